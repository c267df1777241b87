#include "attn/kernels/scores.hpp"

#include <array>
#include <cmath>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

constexpr std::array<ScoreKind, 4> kAllKinds = {ScoreKind::Dot, ScoreKind::ScaledDot, ScoreKind::Cosine,
                                                ScoreKind::NegSqDist};

}  // namespace

ScoreKind parse_score_kind(std::string_view name) {
  for (ScoreKind kind : kAllKinds) {
    if (score_kind_name(kind) == name) return kind;
  }
  throw UsageError("unknown score '" + std::string(name) + "' (choose dot, scaled-dot, cosine or neg-sqdist)");
}

std::string_view score_kind_name(ScoreKind kind) {
  switch (kind) {
    case ScoreKind::Dot: return "dot";
    case ScoreKind::ScaledDot: return "scaled-dot";
    case ScoreKind::Cosine: return "cosine";
    case ScoreKind::NegSqDist: return "neg-sqdist";
  }
  return "?";
}

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

ExpectedShift expected_score_shift(ScoreKind kind, double global_rms, long dimension) {
  const double d = static_cast<double>(dimension);
  const double var = global_rms * global_rms;
  switch (kind) {
    case ScoreKind::Dot: return {var * d, true};
    case ScoreKind::ScaledDot: return {var * std::sqrt(d), true};
    case ScoreKind::NegSqDist: return {0.0, true};
    case ScoreKind::Cosine: return {0.0, false};
  }
  return {0.0, false};
}

}  // namespace attn
