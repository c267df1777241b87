// Metric attention (Ruan & Zhang): the score is a negative squared distance measured after a
// linear map A, s_ij = -alpha |A (x_i - x_j)|^2 / 2. A chooses which directions count: it turns
// "who is close to whom" and so who attends to whom. When A is singular the distance is only a
// pseudo-metric: points that differ along the null space of A are at distance 0.
//
// Shapes: X is n by d, A is m by d. Errors: InputError for no points, non-finite values or an A
// whose column count is not d.
#pragma once

#include <vector>

#include "attn/kernels/attention.hpp"

namespace attn {

// Weights F(s_ij) / sum_l F(s_il) with the metric score above (method, alpha from `spec`; its
// score kind is replaced by the metric one).
Weights<double> metric_attention(const MatD& x, const MatD& a, const AttentionSpec& spec);

// For each row, the other point (j != i) with the largest weight; -1 for an undefined row or a
// single point.
std::vector<Index> most_attended_other(const Weights<double>& w);

// Fraction of points whose most attended other point differs between the maps A and B.
double neighbour_change_fraction(const MatD& x, const MatD& a, const MatD& b, const AttentionSpec& spec);

struct NullSpaceCheck {
  bool singular = false;  // A has a direction it maps to (numerically) zero
  Vec<double> direction;  // that direction (unit), when singular
  // A copy of point 0 moved one unit along `direction` joins the keys: the largest difference,
  // over every query, between the weight on point 0 and the weight on its copy.
  double largest_weight_gap = 0.0;
};
NullSpaceCheck null_space_check(const MatD& x, const MatD& a, const AttentionSpec& spec);

}  // namespace attn
