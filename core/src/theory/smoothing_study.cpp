#include "attn/theory/smoothing_study.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "attn/theory/propagation.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

using detail::require_non_negative;
using detail::require_positive_count;

// Random-number purposes (the `stream` of attn::Rng): data points and labellings never share
// numbers, whatever the sizes.
constexpr std::uint64_t kPointStream = 1;
constexpr std::uint64_t kLabelStream = 2;

void validate(const TwoClassData& data) {
  require_positive_count(data.points_per_class, "the number of points per class");
  require_positive_count(data.informative_dims, "the number of informative dimensions");
  if (data.noise_dims < 0) {
    throw UsageError("the number of noise dimensions must be >= 0 (got " + std::to_string(data.noise_dims) + ")");
  }
  require_non_negative(data.separation, "the class separation");
  require_non_negative(data.within_spread, "the within-class spread");
  require_non_negative(data.noise_spread, "the noise spread");
  try {
    check_matrix_size(2 * data.points_per_class, data.informative_dims + data.noise_dims, "two-class data set");
    check_matrix_size(2 * data.points_per_class, 2 * data.points_per_class, "weight matrix");
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
}

// Indices [0, n/2) are class 0 and [n/2, n) class 1 (see generate_two_class_data).
struct Labelling {
  std::vector<Index> labelled[2];  // per class
  std::vector<bool> is_labelled;   // per point
};

// `per_class` distinct points of each class, by a partial Fisher-Yates shuffle from (seed, draw).
Labelling draw_labelling(Index points_per_class, Index per_class, std::uint64_t seed, int draw) {
  Rng rng(seed, kLabelStream, static_cast<std::uint64_t>(draw));
  Labelling out;
  out.is_labelled.assign(static_cast<std::size_t>(2 * points_per_class), false);
  for (int c = 0; c < 2; ++c) {
    std::vector<Index> pool(static_cast<std::size_t>(points_per_class));
    for (Index k = 0; k < points_per_class; ++k) pool[static_cast<std::size_t>(k)] = c * points_per_class + k;
    for (Index k = 0; k < per_class; ++k) {
      const Index remaining = points_per_class - k;
      const Index pick =
          k + std::min<Index>(remaining - 1, static_cast<Index>(rng.uniform() * static_cast<double>(remaining)));
      std::swap(pool[static_cast<std::size_t>(k)], pool[static_cast<std::size_t>(pick)]);
      out.labelled[c].push_back(pool[static_cast<std::size_t>(k)]);
      out.is_labelled[static_cast<std::size_t>(pool[static_cast<std::size_t>(k)])] = true;
    }
  }
  return out;
}

// Accuracy on the unlabelled points of the nearest-centroid classifier fitted to the labelled
// points of `z` (n by dims).
double nearest_centroid_accuracy(const MatD& z, const std::vector<int>& labels, const Labelling& labelling) {
  std::array<Eigen::RowVectorXd, 2> centroid;
  for (int c = 0; c < 2; ++c) {
    centroid[static_cast<std::size_t>(c)] = Eigen::RowVectorXd::Zero(z.cols());
    for (Index i : labelling.labelled[c]) centroid[static_cast<std::size_t>(c)] += z.row(i);
    centroid[static_cast<std::size_t>(c)] /= static_cast<double>(labelling.labelled[c].size());
  }
  Index correct = 0, scored = 0;
  for (Index i = 0; i < z.rows(); ++i) {
    if (labelling.is_labelled[static_cast<std::size_t>(i)]) continue;
    const double to0 = (z.row(i) - centroid[0]).squaredNorm();
    const double to1 = (z.row(i) - centroid[1]).squaredNorm();
    const int predicted = to1 < to0 ? 1 : 0;
    if (predicted == labels[static_cast<std::size_t>(i)]) ++correct;
    ++scored;
  }
  return static_cast<double>(correct) / static_cast<double>(scored);
}

// (m1.u - m0.u)^2 / (var0 + var1) along u = (m1 - m0) / |m1 - m0|, with all labels.
double fisher_ratio(const MatD& z, Index points_per_class) {
  const MatD class0 = z.topRows(points_per_class), class1 = z.bottomRows(points_per_class);
  const Eigen::RowVectorXd m0 = class0.colwise().mean(), m1 = class1.colwise().mean();
  const Eigen::RowVectorXd difference = m1 - m0;
  const double distance = difference.norm();
  if (distance == 0.0) return 0.0;
  const Eigen::VectorXd u = difference.transpose() / distance;
  auto variance = [](const Eigen::VectorXd& p) { return (p.array() - p.mean()).square().mean(); };
  const double within = variance(class0 * u) + variance(class1 * u);
  return within > 0.0 ? distance * distance / within : std::numeric_limits<double>::infinity();
}

ClassificationScores score_version(const MatD& z, const TwoClassPoints& data,
                                   const std::vector<Labelling>& labellings) {
  ClassificationScores out;
  // Sum in draw order so the mean does not depend on scheduling.
  for (const Labelling& l : labellings) out.accuracy += nearest_centroid_accuracy(z, data.labels, l);
  out.accuracy /= static_cast<double>(labellings.size());
  out.fisher_ratio = fisher_ratio(z, static_cast<Index>(data.labels.size()) / 2);
  return out;
}

}  // namespace

TwoClassPoints generate_two_class_data(const TwoClassData& data) {
  validate(data);
  const Index n = 2 * data.points_per_class;
  const Index dims = data.informative_dims + data.noise_dims;
  TwoClassPoints out;
  out.points.resize(n, dims);
  out.labels.resize(static_cast<std::size_t>(n));
  // One generator per point, informative coordinates first: the class data do not depend on the
  // noise settings, and the noise of a point is the same draws whatever its spread.
  parallel_for(n, [&](Index i) {
    const int label = i < data.points_per_class ? 0 : 1;
    out.labels[static_cast<std::size_t>(i)] = label;
    Rng rng(data.seed, kPointStream, static_cast<std::uint64_t>(i));
    for (Index k = 0; k < data.informative_dims; ++k) out.points(i, k) = data.within_spread * rng.normal();
    out.points(i, 0) += (label - 0.5) * data.separation;
    for (Index k = data.informative_dims; k < dims; ++k) out.points(i, k) = data.noise_spread * rng.normal();
  });
  return out;
}

SmoothingResult smoothing_classification(const TwoClassData& data, const AttentionSpec& spec, Index labels_per_class,
                                         int label_draws) {
  validate(data);
  require_positive_count(labels_per_class, "the number of labels per class");
  if (labels_per_class >= data.points_per_class) {
    throw UsageError("labels per class (" + std::to_string(labels_per_class) +
                     ") must be fewer than the points per class (" + std::to_string(data.points_per_class) +
                     ") so that some points are left to classify");
  }
  require_positive_count(label_draws, "the number of label draws");

  const TwoClassPoints points = generate_two_class_data(data);
  const MatD smoothed = propagate_once(points.points, spec).points;

  std::vector<Labelling> labellings(static_cast<std::size_t>(label_draws));
  parallel_for(label_draws, [&](Index k) {
    labellings[static_cast<std::size_t>(k)] =
        draw_labelling(data.points_per_class, labels_per_class, data.seed, static_cast<int>(k));
  });

  SmoothingResult out;
  out.before = score_version(points.points, points, labellings);
  out.after = score_version(smoothed, points, labellings);
  out.label_draws = label_draws;
  return out;
}

}  // namespace attn
