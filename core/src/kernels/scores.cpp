#include "attn/kernels/scores.hpp"

#include <array>
#include <cmath>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"

namespace attn {
namespace {

constexpr NameOf<ScoreKind> kScoreNames[] = {{ScoreKind::Dot, "dot"},
                                             {ScoreKind::ScaledDot, "scaled-dot"},
                                             {ScoreKind::Cosine, "cosine"},
                                             {ScoreKind::NegSqDist, "neg-sqdist"}};
constexpr auto kAllKinds = values_of(kScoreNames);

}  // namespace

ScoreKind parse_score_kind(std::string_view name) { return parse_name(kScoreNames, name, "score"); }

std::string_view score_kind_name(ScoreKind kind) { return name_of(kScoreNames, kind); }

std::string_view score_kind_formula(ScoreKind kind) {
  switch (kind) {
    case ScoreKind::Dot: return "q_i . k_j";
    case ScoreKind::ScaledDot: return "q_i . k_j / sqrt(d)";
    case ScoreKind::Cosine: return "q_i . k_j / (|q_i| |k_j|)";
    case ScoreKind::NegSqDist: return "-|q_i - k_j|^2 / 2";
  }
  return "?";
}

std::span<const ScoreKind> all_score_kinds() { return kAllKinds; }

ExpectedShift expected_score_shift(ScoreKind kind, double global_rms, double local_rms, NoiseTarget target,
                                   bool self_attention, long dimension) {
  const double d = static_cast<double>(dimension);
  const double shared = global_rms * global_rms * d, local = local_rms * local_rms * d;
  const bool both = target == NoiseTarget::Both;
  // In self-attention with both sides noisy, x~_i . x~_i meets l_i twice: E[l_i . l_i] = s_l^2 d.
  const double own_local = both && self_attention ? local : 0.0;
  switch (kind) {
    case ScoreKind::Dot: return {both ? shared : 0.0, own_local, true};
    case ScoreKind::ScaledDot: return {(both ? shared : 0.0) / std::sqrt(d), own_local / std::sqrt(d), true};
    case ScoreKind::NegSqDist:
      // -|q~ - k~|^2 / 2: g cancels when both sides carry it; each independent noise adds its
      // variance to E|q~ - k~|^2. The diagonal of self-attention has no noise left at all.
      if (both) return {-local, own_local, true};
      return {-(shared + local) / 2.0, 0.0, true};
    case ScoreKind::Cosine: return {0.0, 0.0, false};
  }
  return {0.0, 0.0, false};
}

}  // namespace attn
