// Attention as propagation (Ruan & Zhang; Vuckovic et al.): the update x_i <- sum_j w_ij x_j
// applied again and again moves the points like self-interacting particles.
//
// Shapes: X and Y are n by d (one point per row). Errors: InputError for no points or non-finite
// coordinates; UsageError for steps < 0, trials < 1, a negative radius or a non-positive epsilon.
#pragma once

#include <cstdint>
#include <vector>

#include "attn/kernels/attention.hpp"

namespace attn {

// One step: Y = W(X) X with self-attention weights for `spec` (rows of undefined weights keep
// their point, and the returned count says how many). Y_i is a convex combination of the points
// for any method with non-negative weights, so the points never leave their convex hull.
struct PropagationStep {
  MatD points;
  Index undefined_rows = 0;
};
PropagationStep propagate_once(const MatD& x, const AttentionSpec& spec);

// `steps` steps; element k of the result is the points after k steps (element 0 is x).
std::vector<MatD> propagate(const MatD& x, const AttentionSpec& spec, int steps);

// Number of groups of points when points closer than `radius` (Euclidean, strictly) are joined
// (single linkage: a chain of close pairs is one group). O(n^2 d).
Index count_clusters(const MatD& x, double radius);
// The group of each point under the same rule, numbered 0, 1, ... in order of first member.
std::vector<Index> cluster_labels(const MatD& x, double radius);

// Where the clusters of `end` sit relative to the starting points `start` (same rows): with dot
// scores each point is pulled towards the largest-norm point that matches its direction, so the
// survivors sit on extreme points of the data; with the Gaussian kernel they sit where points
// were dense. One entry per cluster of `end`, in label order.
struct Survivor {
  Vec<double> position;  // mean of the cluster's points in `end`
  Index members = 0;
  Index nearest_start = 0;  // the starting point nearest to `position`
  Index norm_rank = 0;      // its rank by norm among the starting points (1 = largest)
  double distance = 0.0;    // |position - start[nearest_start]|
};
std::vector<Survivor> survivors(const MatD& start, const MatD& end, double radius);

// Empirical sensitivity: the median over `trials` random perturbations dX of size `epsilon`
// (Frobenius norm; Gaussian direction) of |Y(X + dX) - Y(X)|_F / |dX|_F, with Y the one-step
// update. A typical gain in a random direction at this X, not the worst case: dot-product
// attention has no global Lipschitz constant (the gain grows with alpha and with the spread of X).
// Trial t is drawn from (seed, t).
double sensitivity(const MatD& x, const AttentionSpec& spec, double epsilon, int trials, std::uint64_t seed);

}  // namespace attn
