// Row kernels of the methods recent models use instead of F / sum F (internal to core).
//
// Each reads the first `valid` scores of a row in place and leaves weights there, like the
// kernels of row_kernels.cpp. Every exponential is taken after subtracting a bound of its
// argument, so no finite score overflows. Rows of sigmoid attention, softmax_1, softpick and
// stick-breaking need not sum to 1: a row that holds almost nothing is Defined, a result.
#pragma once

#include <vector>

#include <Eigen/Core>

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace attn::detail {

// w_j = sigmoid(s_j + bias), not normalised.
template <class T>
RowStatus sigmoid_attention_row(T* row, Index valid, double bias);

// w_j = e^{s_j} / (1 + sum_l e^{s_l}), as e^{s_j - t} / (e^{-t} + sum_l e^{s_l - t}) with
// t = max(0, max_l s_l).
template <class T>
RowStatus softmax1_row(T* row, Index valid);

// w_j = relu(e^{s_j} - 1) / sum_l |e^{s_l} - 1|. Both sides are scaled by e^{-t}, t = max(0, max s):
// the terms are e^{-t} expm1(s_j) (exact near s = 0) while expm1(t) cannot overflow, and
// e^{s_j - t} - e^{-t} beyond. A row of scores that are all exactly 0 is 0 / 0: AllZero.
template <class T>
RowStatus softpick_row(T* row, Index valid);

// w_j = beta_j prod_{j<k<valid} (1 - beta_k), beta = sigmoid(s): the last valid key (the query's
// own position under the causal mask) breaks the stick first. `scratch` holds e^{-|s|} and
// 1 / (1 + e^{-|s|}), each starting on an aligned address.
template <class T>
RowStatus stick_breaking_row(T* row, Index valid, std::vector<T, Eigen::aligned_allocator<T>>& scratch);

// Feature-map kernel values phi(q).phi(k) >= 0 to weights: divided by their sum.
template <class T>
RowStatus kernel_values_row(T* row, Index valid);

}  // namespace attn::detail
