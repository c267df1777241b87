// Similarity scores between queries and keys.
//
//   dot         q_i . k_j
//   scaled-dot  q_i . k_j / sqrt(d)
//   cosine      q_i . k_j / (|q_i| |k_j|)        (0 when either vector is zero)
//   neg-sqdist  -|q_i - k_j|^2 / 2               (with exp: the Gaussian kernel of the distance)
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace attn {

enum class ScoreKind { Dot, ScaledDot, Cosine, NegSqDist };

// Throws UsageError naming the valid choices.
ScoreKind parse_score_kind(std::string_view name);
std::string_view score_kind_name(ScoreKind kind);
std::string_view score_kind_formula(ScoreKind kind);
std::span<const ScoreKind> all_score_kinds();

// How much a shared vector-noise component g ~ N(0, s_g^2 I) shifts, on average, the off-diagonal
// score of this kind (before alpha): s_g^2 d for dot, s_g^2 sqrt(d) for scaled-dot. Distance-based
// scores do not see g at all (it cancels in q - k) and cosine has no closed form: both return 0
// with `exact` false for cosine.
struct ExpectedShift {
  double value = 0.0;
  bool exact = true;
};
ExpectedShift expected_score_shift(ScoreKind kind, double global_rms, long dimension);

}  // namespace attn
