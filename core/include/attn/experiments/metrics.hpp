// How far apart two weight matrices are.
//
// Rows undefined in either matrix are left out of every metric and counted in
// `undefined_rows`, so a metric never mixes numbers with NaN rows.
//
// Rows that need not sum to 1 (Weights::rows_sum_to_one false: sigmoid attention, softmax_1,
// softpick, stick-breaking) are compared as they are: max_abs_diff, mean_tv (half the L1
// distance of the rows) and frobenius on the weights themselves; mean_kl on the rows normalised
// to sum 1, leaving out rows of zero mass (counted in zero_mass_rows); mean_mass_change says how
// far the row masses moved.
#pragma once

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace attn {

// Statistics over the rows defined in both A and B. When no row is (every row undefined in A or
// in B), every statistic is NaN: a method with no weights is not "unchanged".
struct Deviation {
  double max_abs_diff = 0.0;  // max_ij |A_ij - B_ij|
  double mean_tv = 0.0;       // mean over rows of (1/2) sum_j |A_ij - B_ij|
  // Mean over rows of KL(A_i || B_i) = sum_j A_ij log(A_ij / B_ij); terms with A_ij = 0 are 0, and
  // a row where B_ij = 0 < A_ij is infinite (B excludes a key A uses): then mean_kl is +inf.
  double mean_kl = 0.0;
  double frobenius = 0.0;         // sqrt(sum_ij (A_ij - B_ij)^2)
  double mean_mass_change = 0.0;  // mean over rows of |sum_j A_ij - sum_j B_ij| (0 when both normalise)
  Index zero_mass_rows = 0;       // compared rows left out of mean_kl: a row of mass 0 has no distribution
  Index compared_rows = 0;
  Index undefined_rows = 0;  // rows undefined in A or in B
};

// A: reference (clean) weights, B: compared (perturbed) weights. Same shape required.
template <class T>
Deviation compare_weights(const Weights<T>& reference, const Weights<T>& compared);

// Row statistics shown by the row inspector (for a defined row of weights). For rows that need
// not sum to 1 the mass comes first: entropy and effective support are those of the row
// normalised to sum 1 (p = w / mass), NaN for a row of mass 0; max_weight is the weight itself.
struct RowSummary {
  double mass = 1.0;               // sum_j w_ij (1 for methods that normalise)
  double entropy = 0.0;            // -sum p log p (nats), p the row (normalised when it need not sum to 1)
  double effective_support = 0.0;  // exp(entropy): how many keys the row effectively averages
  Index exact_zeros = 0;
  double max_weight = 0.0;
};
template <class T>
RowSummary summarize_row(const Weights<T>& weights, Index row);

}  // namespace attn
