// Whole-matrix scans the compute stages run on every result (n x m values each): the finite
// extent of the scores, their histogram and each key's column sum. Split into fixed blocks of
// rows run in parallel, so an edit's results are ready in a few milliseconds at n = 2048, and the
// same whatever the thread count (each block's partial result is combined in block order).
#pragma once

#include <utility>

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"
#include "compute/compute_result.hpp"

namespace ax {

// Smallest and largest finite value (lo > hi when there is none).
std::pair<double, double> finite_extent(const attn::MatF& m);

// Counts of the finite values of `scores` in `bins` equal bins over [lo, hi] (values outside go
// to the end bins).
Histogram histogram_of(const attn::MatF& scores, double lo, double hi, int bins);

// Attention each key receives: the sum over defined rows of each column.
attn::Vec<float> column_sums(const attn::Weights<float>& w);

// Each row's mass sum_j w_ij, NaN for an undefined row; empty when the weights' rows sum to 1.
attn::Vec<float> row_masses(const attn::Weights<float>& w);

}  // namespace ax
