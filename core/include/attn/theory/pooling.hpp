// Attention pooling of a set of vectors into one (Ylipää's lecture): a score per element from a
// fixed parameter vector theta, weights from the scores, then the weighted mean. Order of the
// elements does not matter: permuting them permutes the weights and leaves the pooled vector.
#pragma once

#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/kernels/weights.hpp"

namespace attn {

using VecD = Vec<double>;

// Dot-product fixed attention: g(x_i) = x_i . theta.  X: n x d, theta: d.
VecD dot_fixed_scores(const MatD& x, const VecD& theta);
// One-hidden-layer fixed attention: g(x_i) = theta . tanh(W x_i + b).  W: h x d, b: h, theta: h.
VecD mlp_fixed_scores(const MatD& x, const MatD& w, const VecD& b, const VecD& theta);

struct Pooling {
  VecD weights;  // n, sums to 1 when defined
  VecD pooled;   // d: sum_i w_i x_i (NaN when the weights are undefined)
  RowStatus status = RowStatus::Defined;
};
// Weights by `method` from one score per element, then the weighted mean of the rows of X.
Pooling pool(const MatD& x, const VecD& scores, const Method& method);

// The plain (unweighted) sum and mean of the rows of X.
VecD plain_sum(const MatD& x);

// A logistic read-out sigma(u . f + c): the sentiment model of the lecture.
double logistic_readout(const VecD& u, double c, const VecD& f);

}  // namespace attn
