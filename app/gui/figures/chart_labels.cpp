#include "figures/chart_labels.hpp"

#include <algorithm>

namespace ax {

std::string invariance_curve_label(const InvarianceChart::Curve& curve) {
  if (curve.undefined_everywhere()) return curve.spec + ": undefined";
  const auto partial =
      std::count_if(curve.undefined_rows.begin(), curve.undefined_rows.end(), [](attn::Index n) { return n > 0; });
  if (partial == 0) return curve.spec;
  return curve.spec + " (rows undefined at " + std::to_string(partial) + " of " +
         std::to_string(curve.undefined_rows.size()) + " M)";
}

}  // namespace ax
