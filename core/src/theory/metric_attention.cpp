#include "attn/theory/metric_attention.hpp"

#include <string>

#include <Eigen/SVD>

#include "attn/base/errors.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

void require_map(const MatD& x, const MatD& a) {
  detail::require_finite_points(x, "metric attention");
  if (a.rows() == 0 || a.cols() != x.cols() || !a.allFinite()) {
    throw InputError("metric attention: the map A must be finite with " + std::to_string(x.cols()) + " columns (got " +
                     std::to_string(a.rows()) + " by " + std::to_string(a.cols()) + ")");
  }
}

AttentionSpec metric_spec(const AttentionSpec& spec) {
  AttentionSpec s = spec;
  s.score = ScoreKind::NegSqDist;
  return s;
}

}  // namespace

Weights<double> metric_attention(const MatD& x, const MatD& a, const AttentionSpec& spec) {
  require_map(x, a);
  Vectors<double> v;
  v.queries = x * a.transpose();  // |A x_i - A x_j| is the distance after the map
  return compute_weights(v, metric_spec(spec));
}

std::vector<Index> most_attended_other(const Weights<double>& w) {
  std::vector<Index> out(static_cast<std::size_t>(w.matrix.rows()), -1);
  for (Index i = 0; i < w.matrix.rows(); ++i) {
    if (!w.defined(i)) continue;
    double best = -1.0;
    for (Index j = 0; j < w.matrix.cols(); ++j) {
      if (j != i && w.matrix(i, j) > best) best = w.matrix(i, j), out[static_cast<std::size_t>(i)] = j;
    }
  }
  return out;
}

double neighbour_change_fraction(const MatD& x, const MatD& a, const MatD& b, const AttentionSpec& spec) {
  const std::vector<Index> first = most_attended_other(metric_attention(x, a, spec));
  const std::vector<Index> second = most_attended_other(metric_attention(x, b, spec));
  Index changed = 0;
  for (std::size_t i = 0; i < first.size(); ++i) changed += first[i] != second[i];
  return static_cast<double>(changed) / static_cast<double>(first.size());
}

NullSpaceCheck null_space_check(const MatD& x, const MatD& a, const AttentionSpec& spec) {
  require_map(x, a);
  NullSpaceCheck out;
  const Eigen::JacobiSVD<MatD> svd(a, Eigen::ComputeFullV);
  const auto& values = svd.singularValues();
  const double largest = values.size() > 0 ? values(0) : 0.0;
  // Fewer singular values than columns (a wide A) leaves a null space too.
  const bool wide = values.size() < a.cols();
  const double smallest = wide ? 0.0 : values(values.size() - 1);
  out.singular = smallest <= 1e-12 * std::max(largest, 1e-300);
  if (!out.singular) return out;
  out.direction = svd.matrixV().col(a.cols() - 1);
  MatD keys(x.rows() + 1, x.cols());
  keys << x, x.row(0) + out.direction.transpose();
  Vectors<double> v;
  v.queries = x * a.transpose();
  v.keys = keys * a.transpose();
  const Weights<double> w = compute_weights(v, metric_spec(spec));
  for (Index i = 0; i < x.rows(); ++i) {
    if (w.defined(i))
      out.largest_weight_gap = std::max(out.largest_weight_gap, std::abs(w.matrix(i, 0) - w.matrix(i, x.rows())));
  }
  return out;
}

}  // namespace attn
