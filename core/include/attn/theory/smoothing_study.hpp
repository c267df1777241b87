// Does one attention smoothing step help classification? (Alam et al.'s motivation, tested.)
// Two classes, labels used only to score: y_i = sum_j w_ij x_j over all points, then a
// nearest-centroid classifier trained on a few labelled points per class.
//
// Measured with this study: it helps only with very few labels and when similarity follows the classes; with
// ample labels it does not beat the raw data; it hurts when noisy irrelevant axes dominate the
// similarity. The lesson must not claim "attention smoothing improves classification".
#pragma once

#include <cstdint>
#include <vector>

#include "attn/kernels/attention.hpp"

namespace attn {

// Points: the first points_per_class rows are class 0, the next class 1 (2 * points_per_class by
// informative_dims + noise_dims). Class c has mean (c - 1/2) * separation on axis 0 and 0
// elsewhere (the data are centred at the origin); every informative axis has within-class
// standard deviation within_spread; the noise axes are N(0, noise_spread^2) for both classes.
// Point i is drawn from (seed, i) alone, informative coordinates first: changing noise_spread
// rescales the same noise, so two settings differ only in what was changed.
struct TwoClassData {
  Index points_per_class = 100;
  Index informative_dims = 2;  // the classes differ along the first of these
  double separation = 2.0;     // distance between the class means
  double within_spread = 1.5;  // standard deviation inside a class (large: classes overlap)
  Index noise_dims = 0;        // irrelevant dimensions of pure noise
  double noise_spread = 1.0;   // their standard deviation
  std::uint64_t seed = 1;
};

// The data set of `data` (for plots): points and the class (0 or 1) of each row.
struct TwoClassPoints {
  MatD points;              // 2 * points_per_class by informative_dims + noise_dims
  std::vector<int> labels;  // class of each row
};
TwoClassPoints generate_two_class_data(const TwoClassData& data);

struct ClassificationScores {
  double accuracy = 0.0;  // nearest-centroid accuracy on the unlabelled points, averaged over draws
  // Between-class over within-class variance along the mean difference, with all labels:
  // (m1.u - m0.u)^2 / (var0 + var1), u = (m1 - m0) / |m1 - m0|, class variances of the
  // projections on u. 0 when the class means coincide. Measured with this study, it does not predict accuracy.
  double fisher_ratio = 0.0;
};

struct SmoothingResult {
  ClassificationScores before, after;
  int label_draws = 0;
};

// Generates the data, smooths once with `spec` (self-attention; propagate_once), and scores both
// versions with `labels_per_class` labelled points per class, averaged over `label_draws` random
// labellings. Before and after use the same labellings (a paired comparison); labelling k is drawn
// from (seed, k). Throws UsageError for labels_per_class < 1 or >= points_per_class (some points
// must be left to classify), label_draws < 1, sizes < 1 (noise_dims < 0) or negative or
// non-finite spreads and separation.
SmoothingResult smoothing_classification(const TwoClassData& data, const AttentionSpec& spec, Index labels_per_class,
                                         int label_draws);

}  // namespace attn
