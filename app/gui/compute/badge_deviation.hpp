// The numbers an invariance badge shows, in one parallel pass over two weight matrices: the
// largest |perturbed - clean| and how many rows were compared or undefined. attn::compare_weights
// also takes total variation and KL (a logarithm per element), which the app does not show and
// which cost more than the perturbed weights themselves at n = 2048.
#pragma once

#include "attn/experiments/metrics.hpp"
#include "attn/kernels/weights.hpp"

namespace ax {

// Fills max_abs_diff, compared_rows and undefined_rows of the result; the other fields stay 0.
// Same shapes required (throws attn::InputError otherwise).
template <class T>
attn::Deviation badge_deviation(const attn::Weights<T>& clean, const attn::Weights<T>& perturbed);

}  // namespace ax
