// F(z) of a ratio-form method, evaluated pointwise: the curves the app plots and the lessons
// discuss. Uses the same scalar definitions as the weight kernels.
#pragma once

#include <span>
#include <vector>

#include "attn/kernels/methods.hpp"

namespace attn {

// out[k] = F(z[k]). Values may overflow to +inf (e.g. exp of a large z) or be NaN/negative for a
// custom formula; callers decide how to show them. Throws UsageError for methods that are not
// of ratio form (sparsemax, entmax15, sinkhorn, doubly-normalized have no F).
std::vector<double> evaluate_ratio_function(const Method& method, std::span<const double> z);

}  // namespace attn
