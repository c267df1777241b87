// Attention routes the learning signal (Ylipää): for weights w = softmax(g), the Jacobian is
// dw/dg = diag(w) - w w^T, so a gradient reaching the weights reaches score g_i only in
// proportion to w_i. Words with near-zero weight get almost no gradient.
#pragma once

#include "attn/base/types.hpp"

namespace attn {

// diag(w) - w w^T (n by n) for a weight vector w.
Mat<double> softmax_jacobian(const Vec<double>& w);

// The gradient with respect to the scores, J^T u = w .* (u - w.u), for the gradient u with
// respect to the weights. Throws InputError when the sizes differ.
Vec<double> score_gradient(const Vec<double>& w, const Vec<double>& u);

}  // namespace attn
