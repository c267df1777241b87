#include "attn/theory/propagation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

// Y = W(X) X without checks (the callers have checked X once).
PropagationStep step(const MatD& x, const AttentionSpec& spec) {
  Vectors<double> v;
  v.queries = x;
  const Weights<double> w = compute_weights(v, spec);
  PropagationStep out{attention_outputs(w, x), 0};
  for (Index i = 0; i < x.rows(); ++i) {
    if (w.defined(i)) continue;
    // attention_outputs gives NaN here; a point without weights stays where it is.
    out.points.row(i) = x.row(i);
    ++out.undefined_rows;
  }
  return out;
}

// Union-find with path halving: groups of points joined pair by pair.
class DisjointSets {
 public:
  explicit DisjointSets(Index size) : parent_(static_cast<std::size_t>(size)) {
    std::iota(parent_.begin(), parent_.end(), Index(0));
  }
  Index find(Index i) {
    while (parent_[static_cast<std::size_t>(i)] != i) {
      auto& p = parent_[static_cast<std::size_t>(i)];
      p = parent_[static_cast<std::size_t>(p)];
      i = p;
    }
    return i;
  }
  // True when a and b were in different groups (the number of groups fell by one).
  bool join(Index a, Index b) {
    const Index ra = find(a), rb = find(b);
    if (ra == rb) return false;
    parent_[static_cast<std::size_t>(std::max(ra, rb))] = std::min(ra, rb);
    return true;
  }

 private:
  std::vector<Index> parent_;
};

// dX with i.i.d. normal entries from (seed, trial), rescaled to Frobenius norm epsilon.
MatD random_direction(Index rows, Index cols, double epsilon, std::uint64_t seed, Index trial) {
  Rng rng(seed, static_cast<std::uint64_t>(trial));
  MatD dx(rows, cols);
  for (Index k = 0; k < dx.size(); ++k) dx.data()[k] = rng.normal();
  return dx * (epsilon / dx.norm());
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace

PropagationStep propagate_once(const MatD& x, const AttentionSpec& spec) {
  detail::require_finite_points(x, "propagation");
  return step(x, spec);
}

std::vector<MatD> propagate(const MatD& x, const AttentionSpec& spec, int steps) {
  detail::require_finite_points(x, "propagation");
  if (steps < 0) throw UsageError("the number of propagation steps must be >= 0 (got " + std::to_string(steps) + ")");
  std::vector<MatD> out;
  out.reserve(static_cast<std::size_t>(steps) + 1);
  out.push_back(x);
  for (int k = 0; k < steps; ++k) out.push_back(step(out.back(), spec).points);
  return out;
}

std::vector<Index> cluster_labels(const MatD& x, double radius) {
  detail::require_finite_points(x, "cluster count");
  detail::require_non_negative(radius, "the cluster radius");
  const Index n = x.rows();
  const double radius_sq = radius * radius;
  DisjointSets groups(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = i + 1; j < n; ++j) {
      if ((x.row(i) - x.row(j)).squaredNorm() < radius_sq) groups.join(i, j);
    }
  }
  // Roots are the smallest member (join keeps the smaller root), so numbering roots in index
  // order numbers groups in order of first member.
  std::vector<Index> label(static_cast<std::size_t>(n), -1);
  Index next = 0;
  for (Index i = 0; i < n; ++i) {
    auto& root_label = label[static_cast<std::size_t>(groups.find(i))];
    if (root_label < 0) root_label = next++;
    label[static_cast<std::size_t>(i)] = root_label;
  }
  return label;
}

Index count_clusters(const MatD& x, double radius) {
  const std::vector<Index> labels = cluster_labels(x, radius);
  return labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
}

std::vector<Survivor> survivors(const MatD& start, const MatD& end, double radius) {
  detail::require_finite_points(start, "survivors");
  if (start.rows() != end.rows() || start.cols() != end.cols()) {
    throw InputError("survivors: the start and end points differ in shape");
  }
  const std::vector<Index> labels = cluster_labels(end, radius);
  const Index count = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<Survivor> out(static_cast<std::size_t>(count));
  for (auto& s : out) s.position = Vec<double>::Zero(end.cols());
  for (Index i = 0; i < end.rows(); ++i) {
    auto& s = out[static_cast<std::size_t>(labels[static_cast<std::size_t>(i)])];
    s.position += end.row(i).transpose();
    ++s.members;
  }
  const Vec<double> norms = start.rowwise().norm();
  for (auto& s : out) {
    s.position /= static_cast<double>(s.members);
    (start.rowwise() - s.position.transpose()).rowwise().squaredNorm().minCoeff(&s.nearest_start);
    s.distance = (start.row(s.nearest_start).transpose() - s.position).norm();
    s.norm_rank = 1 + (norms.array() > norms(s.nearest_start)).count();
  }
  return out;
}

double sensitivity(const MatD& x, const AttentionSpec& spec, double epsilon, int trials, std::uint64_t seed) {
  detail::require_finite_points(x, "sensitivity");
  if (!std::isfinite(epsilon) || epsilon <= 0.0) {
    throw UsageError("the perturbation size epsilon must be a finite number > 0 (got " + std::to_string(epsilon) + ")");
  }
  detail::require_positive_count(trials, "the number of trials");
  const MatD y = step(x, spec).points;
  std::vector<double> gains(static_cast<std::size_t>(trials));
  // One task per trial, each with its own generator and output slot.
  parallel_for(trials, [&](Index t) {
    const MatD dx = random_direction(x.rows(), x.cols(), epsilon, seed, t);
    const MatD moved = step(x + dx, spec).points;
    gains[static_cast<std::size_t>(t)] = (moved - y).norm() / dx.norm();
  });
  return median(std::move(gains));
}

}  // namespace attn
