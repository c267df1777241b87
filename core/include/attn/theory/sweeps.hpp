// Sweeps that the lessons plot: how weights behave as the dimension, the sequence length or the
// temperature changes. All deterministic for a seed, on any machine and thread count.
//
// Errors: UsageError for an empty list, a non-positive size, a negative or non-finite parameter
// or trials < 1; InputError for an empty or non-finite matrix of points.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {

// ---- Dot product against distance (Alam et al.: d^2 = |x_i|^2 + |x_j|^2 - 2 x_i.x_j).
// For each dimension d: n queries and n other keys of `kind`, drawn independently (gaussian:
// isotropic N(0, I); sphere: unit norm), weights softmax(alpha * q_i.k_j) and
// softmax(-alpha * |q_i - k_j|^2 / 2), and how far apart they are. The two differ by the
// per-column factor exp(-alpha |k_j|^2 / 2), so they agree exactly when all key norms are equal
// (the sphere).
//
// Queries and keys are separate sets on purpose: in self-attention both weightings put almost all
// weight on the diagonal (x_i.x_i = |x_i|^2 ~ d dwarfs the other scores) once d is in the
// hundreds, so they would "agree" only because both become the identity.
//
// Each dimension's data comes from (seed, d) alone, so a point does not depend on which other
// dimensions are in the list.
struct DimensionPoint {
  Index dimension = 0;
  // With alpha = 1/sqrt(d) (the scaled-dot temperature: alpha q.k keeps unit variance).
  double mean_tv = 0.0;  // mean over rows of the total variation between the two rows
  double max_abs_diff = 0.0;
  // Contrast, same data with alpha = 1/d: the scores alpha q.k have variance 1/d, so both
  // weightings flatten towards uniform and their difference shrinks with d for that reason.
  double mean_tv_inverse_d = 0.0;
};
// n >= 1, every dimension >= 1, at least one dimension; results in the order given.
std::vector<DimensionPoint> dot_vs_distance_sweep(DatasetKind kind, Index n, std::span<const Index> dimensions,
                                                  std::uint64_t seed);

// ---- Concentration of norms (Alam et al.: |x|^2 / d -> E[x_k^2] for many random coordinates).
// For each dimension d, n isotropic Gaussian vectors (the same as dot_vs_distance_sweep's queries):
// the *relative* spread of |x|^2 falls like sqrt(2 / d), which is what the paper uses; the
// *absolute* spread, on the logit scale of scaled dot products (alpha = 1/sqrt(d), the per-key
// factor exp(-alpha |x_j|^2 / 2)), stays near 1/sqrt(2): the two weightings need not agree.
struct NormConcentrationPoint {
  Index dimension = 0;
  double relative_spread = 0.0;  // sd(|x|^2) / mean(|x|^2)
  double logit_spread = 0.0;     // sd(|x|^2) / (2 sqrt(d))
  double dot_spread = 0.0;       // sd of x_i . x_j over i != j (grows like sqrt(d))
};
// n >= 2, dimensions >= 1.
std::vector<NormConcentrationPoint> norm_concentration_sweep(Index n, std::span<const Index> dimensions,
                                                             std::uint64_t seed);

// ---- Sequence length: softmax of n i.i.d. N(0, score_sd^2) scores per row (rows rows), for
// each n: the mean largest weight and the mean row entropy (nats), against 1/n and log n.
// For large n the entropy approaches log n - score_sd^2 / 2 (law of large numbers on
// log sum e^s and on the softmax-weighted mean score).
// Row r of length n is drawn from (seed, n, r): results for a length do not depend on the list.
struct LengthPoint {
  Index length = 0;
  double mean_max_weight = 0.0;
  double mean_entropy = 0.0;
};
// Lengths >= 1, rows >= 1, score_sd >= 0 and finite.
// `method` turns the scores into weights (softmax by default); methods with undefined rows average
// over the defined rows.
std::vector<LengthPoint> sequence_length_sweep(std::span<const Index> lengths, double score_sd, Index rows,
                                               std::uint64_t seed, const Method& method = Method{});

// ---- Temperature: mean row entropy of softmax(alpha * score(X, X)) for each alpha, with score
// scaled-dot when `scaled_dot` is true and dot otherwise. X: n by d. For alpha >= 0 the entropy of
// every row falls as alpha grows (dH/dalpha = -alpha Var_p(s) <= 0), strictly unless the row's
// scores are all equal.
struct TemperaturePoint {
  double alpha = 0.0;
  double mean_entropy = 0.0;
  double mean_max_weight = 0.0;
};
std::vector<TemperaturePoint> temperature_sweep(const MatD& x, std::span<const double> alphas, bool scaled_dot);
// The same for any score and method: `base` with its alpha replaced by each of `alphas`
// (self-attention of x). The entropy need not fall for a method other than softmax.
std::vector<TemperaturePoint> temperature_sweep(const MatD& x, std::span<const double> alphas,
                                                const AttentionSpec& base);

// ---- Maximum entropy (Vuckovic et al.): among distributions q over a row's keys with the same
// expected score sum_j q_j s_j as softmax p = softmax(s), p has the largest entropy. Draws
// `trials` random such q and reports the largest entropy found against p's.
// Each q mixes two random distributions r ~ exp(b s + c z) (b, c random, z standard normal), one
// with expected score below p's and one above, in the proportion that gives exactly p's expected
// score; the family contains distributions close to p (b near 1, c near 0), which are the hardest
// competitors. Trial t is drawn from (seed, t).
struct MaxEntropyCheck {
  double softmax_entropy = 0.0;
  double best_other_entropy = 0.0;  // over the random q with the same expected score
  int trials = 0;
  double worst_mean_mismatch = 0.0;  // largest |E_q[s] - E_p[s]| among the q (rounding only, ~1e-16 |s|)
};
// At least one score, all finite; trials >= 1.
MaxEntropyCheck max_entropy_check(std::span<const double> scores, int trials, std::uint64_t seed);

}  // namespace attn
