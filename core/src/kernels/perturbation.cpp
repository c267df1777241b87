#include "attn/kernels/perturbation.hpp"

#include <string>

#include "attn/base/enum_names.hpp"
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

namespace {

constexpr NameOf<NoiseTarget> kTargetNames[] = {
    {NoiseTarget::Queries, "queries"}, {NoiseTarget::Keys, "keys"}, {NoiseTarget::Both, "both"}};

}  // namespace

NoiseTarget parse_noise_target(std::string_view name) { return parse_name(kTargetNames, name, "noise target"); }

std::string_view noise_target_name(NoiseTarget target) { return name_of(kTargetNames, target); }

}  // namespace attn
