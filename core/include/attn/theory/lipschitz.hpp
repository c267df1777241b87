// How far one self-attention step Y = W(X) X can stretch a small change of its input: the
// largest singular value of its Jacobian (the local Lipschitz constant at X), estimated by power
// iteration on Jacobian-vector products. A median gain over random directions (sensitivity() in
// propagation.hpp) is a typical gain, not this worst case.
//
// Softmax weights (method exp) with score dot, scaled-dot or neg-sqdist, no mask, self-attention.
// Shapes: X, dX, G and the results are n by d (one point per row).
// Errors: InputError for no points or non-finite coordinates, or dX/G of another shape;
// UsageError for another method or score, a mask, centring, or iterations < 1.
#pragma once

#include <cstdint>

#include "attn/kernels/attention.hpp"

namespace attn {

// J dX: the change of Y = W(X) X along dX, to first order.
MatD attention_jvp(const MatD& x, const AttentionSpec& spec, const MatD& dx);
// J^T G: the gradient with respect to X of sum_ij G_ij Y_ij (the transpose of the JVP).
MatD attention_vjp(const MatD& x, const AttentionSpec& spec, const MatD& g);

struct LipschitzEstimate {
  double largest_singular_value = 0.0;
  int iterations = 0;            // power iterations run
  double relative_change = 0.0;  // of the estimate in the last iteration
};
// Power iteration v <- J^T J v / |J^T J v| from a seeded random start, until the estimate
// changes by less than `tolerance` (relative) or after `max_iterations`.
LipschitzEstimate largest_singular_value(const MatD& x, const AttentionSpec& spec, int max_iterations = 300,
                                         double tolerance = 1e-9, std::uint64_t seed = 1);

}  // namespace attn
