#include "attn/kernels/perturbation.hpp"

#include <string>

#include "attn/base/errors.hpp"

namespace attn {

bool Perturbation::is_identity() const {
  auto all_zero = [](const std::vector<double>& v) {
    for (double x : v) {
      if (x != 0.0) return false;
    }
    return true;
  };
  return shift == 0.0 && scale == 1.0 && all_zero(row_shifts) && all_zero(column_shifts) && !has_score_noise() &&
         !has_vector_noise();
}

NoiseTarget parse_noise_target(std::string_view name) {
  if (name == "queries") return NoiseTarget::Queries;
  if (name == "keys") return NoiseTarget::Keys;
  if (name == "both") return NoiseTarget::Both;
  throw UsageError("unknown noise target '" + std::string(name) + "' (choose queries, keys or both)");
}

std::string_view noise_target_name(NoiseTarget target) {
  switch (target) {
    case NoiseTarget::Queries: return "queries";
    case NoiseTarget::Keys: return "keys";
    case NoiseTarget::Both: return "both";
  }
  return "?";
}

}  // namespace attn
