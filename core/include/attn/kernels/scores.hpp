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

#include "attn/kernels/perturbation.hpp"

namespace attn {

enum class ScoreKind { Dot, ScaledDot, Cosine, NegSqDist };

// Throws UsageError naming the valid choices.
ScoreKind parse_score_kind(std::string_view name);
std::string_view score_kind_name(ScoreKind kind);
std::string_view score_kind_formula(ScoreKind kind);
std::span<const ScoreKind> all_score_kinds();

// How much vector noise x~ = x + g + l_i (perturbation.hpp: shared g ~ N(0, s_g^2 I), independent
// l_i ~ N(0, s_l^2 I)) shifts the scores of this kind on average, before alpha, for the noise's
// target. Every pair gets `value`. In self-attention with noisy queries and keys, a diagonal score
// pairs a vector's local noise with itself and gets `diagonal_extra` more:
//   dot, both noisy:       s_g^2 d off the diagonal, + s_l^2 d on it (self-attention)
//   dot, queries or keys:  0 (E[q . g] = 0: no constant shift at all)
//   scaled-dot:            the dot values / sqrt(d)
//   neg-sqdist, both:      g cancels in q - k; -s_l^2 d (cross-attention: every pair; self-
//                          attention: off the diagonal, the diagonal gets s_l^2 d more)
//   neg-sqdist, one side:  -(s_g^2 + s_l^2) d / 2
//   cosine:                no closed form (`exact` false)
struct ExpectedShift {
  double value = 0.0;
  double diagonal_extra = 0.0;
  bool exact = true;
};
ExpectedShift expected_score_shift(ScoreKind kind, double global_rms, double local_rms, NoiseTarget target,
                                   bool self_attention, long dimension);

}  // namespace attn
