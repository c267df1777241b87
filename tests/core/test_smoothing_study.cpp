// The smoothing study of lesson 4 (attention as a smoother before a nearest-mean classifier).
//
// Two kinds of test: correctness on cases small enough to check by hand or independently, and
// the claims the lesson states, asserted with the lesson's parameters over several seeds so that
// no claim hinges on one lucky draw.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/theory/smoothing_study.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::spec_of;

// ---------------------------------------------------------------------------------------------
// Smoothing and classification (lesson 4)

TEST(Smoothing, DataLayoutAndNoiseRescaling) {
  TwoClassData data;
  data.points_per_class = 400;
  data.separation = 3.0;
  data.within_spread = 1.0;
  data.noise_dims = 2;
  data.noise_spread = 1.0;
  const TwoClassPoints a = generate_two_class_data(data);
  ASSERT_EQ(a.points.rows(), 800);
  ASSERT_EQ(a.points.cols(), 4);
  EXPECT_EQ(a.labels[399], 0);
  EXPECT_EQ(a.labels[400], 1);
  EXPECT_NEAR(a.points.topRows(400).col(0).mean(), -1.5, 0.15);
  EXPECT_NEAR(a.points.bottomRows(400).col(0).mean(), 1.5, 0.15);
  // Same draws, noise three times larger; informative coordinates untouched.
  data.noise_spread = 3.0;
  const TwoClassPoints b = generate_two_class_data(data);
  EXPECT_TRUE(test::same_bits(MatD(a.points.leftCols(2)), MatD(b.points.leftCols(2))));
  EXPECT_LT(test::max_abs_diff(MatD(3.0 * a.points.rightCols(2)), MatD(b.points.rightCols(2))), 1e-12);
}

TEST(Smoothing, UniformWeightsLeaveNothingToClassify) {
  // alpha = 0: every smoothed point is the global mean, both centroids coincide, every point goes
  // to class 0 (ties): accuracy exactly 1/2 with equal class sizes, Fisher ratio 0.
  TwoClassData data;
  data.points_per_class = 40;
  data.separation = 20.0;
  data.within_spread = 1.0;
  const SmoothingResult r = smoothing_classification(data, spec_of(ScoreKind::Dot, 0.0), 3, 10);
  EXPECT_EQ(r.label_draws, 10);
  EXPECT_EQ(r.before.accuracy, 1.0);  // 20 standard deviations apart
  EXPECT_GT(r.before.fisher_ratio, 50.0);
  EXPECT_NEAR(r.after.accuracy, 0.5, 1e-12);
  EXPECT_EQ(r.after.fisher_ratio, 0.0);
}

TEST(Smoothing, DeterministicForASeedOnAnyThreadCount) {
  TwoClassData data;
  data.seed = 7;
  const AttentionSpec spec = spec_of(ScoreKind::NegSqDist, 0.3);
  set_thread_count(1);
  const SmoothingResult one = smoothing_classification(data, spec, 3, 50);
  set_thread_count(2);
  const SmoothingResult two = smoothing_classification(data, spec, 3, 50);
  set_thread_count(0);
  EXPECT_EQ(one.before.accuracy, two.before.accuracy);
  EXPECT_EQ(one.after.accuracy, two.after.accuracy);
  EXPECT_EQ(one.after.fisher_ratio, two.after.fisher_ratio);
  data.seed = 8;
  EXPECT_NE(one.before.accuracy, smoothing_classification(data, spec, 3, 50).before.accuracy);
}

TEST(Smoothing, Errors) {
  TwoClassData data;
  data.points_per_class = 10;
  const AttentionSpec spec = spec_of(ScoreKind::NegSqDist, 0.3);
  EXPECT_THROW(smoothing_classification(data, spec, 10, 5), UsageError);  // nothing left to classify
  EXPECT_THROW(smoothing_classification(data, spec, 0, 5), UsageError);
  EXPECT_THROW(smoothing_classification(data, spec, 3, 0), UsageError);
  data.within_spread = -1.0;
  EXPECT_THROW(smoothing_classification(data, spec, 3, 5), UsageError);
  data.within_spread = 1.0;
  data.points_per_class = 0;
  EXPECT_THROW(generate_two_class_data(data), UsageError);
}

// The lesson's data: two informative axes (classes 3 apart, spread 1) and two irrelevant axes;
// smoothing with the Gaussian kernel exp(-0.3 |x_i - x_j|^2 / 2).
TwoClassData lesson_data(std::uint64_t seed, double noise_spread) {
  TwoClassData data;
  data.points_per_class = 100;
  data.informative_dims = 2;
  data.separation = 3.0;
  data.within_spread = 1.0;
  data.noise_dims = 2;
  data.noise_spread = noise_spread;
  data.seed = seed;
  return data;
}

const AttentionSpec kLessonSmoothing = spec_of(ScoreKind::NegSqDist, 0.3);

// After minus before, in accuracy points.
double gain_points(const SmoothingResult& r) { return 100.0 * (r.after.accuracy - r.before.accuracy); }

TEST(LessonSmoothing, HelpsWithThreeLabelsPerClass) {
  // Measured over seeds 1-30 (400 labellings each): +2.9 points on average, +2.0 to +4.1 per
  // data set (accuracy about 89% before).
  double sum = 0.0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const double gain = gain_points(smoothing_classification(lesson_data(seed, 1.0), kLessonSmoothing, 3, 400));
    EXPECT_GT(gain, 1.5) << "seed " << seed;
    sum += gain;
  }
  EXPECT_GT(sum / 10.0, 2.0);
}

TEST(LessonSmoothing, DoesNotHelpWithFiftyLabelsPerClass) {
  // Measured over seeds 1-30 (100 labellings each): -0.03 points on average, -0.6 to +0.6 per
  // data set (accuracy about 93% before).
  double sum = 0.0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const double gain = gain_points(smoothing_classification(lesson_data(seed, 1.0), kLessonSmoothing, 50, 100));
    EXPECT_LT(gain, 1.0) << "seed " << seed;
    sum += gain;
  }
  EXPECT_LE(sum / 10.0, 0.5);
}

TEST(LessonSmoothing, HurtsWhenIrrelevantAxesDominate) {
  // The same draws with noise spread 3: the kernel's neighbours are neighbours along the noise.
  // Measured over seeds 1-30: 3 labels: -5.2 points on average (-6.9 to -2.8); 50 labels: -5.7
  // (-10.8 to -2.1).
  double sum3 = 0.0, sum50 = 0.0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const double gain3 = gain_points(smoothing_classification(lesson_data(seed, 3.0), kLessonSmoothing, 3, 400));
    const double gain50 = gain_points(smoothing_classification(lesson_data(seed, 3.0), kLessonSmoothing, 50, 100));
    EXPECT_LT(gain3, -1.5) << "seed " << seed;
    EXPECT_LT(gain50, -1.5) << "seed " << seed;
    sum3 += gain3;
    sum50 += gain50;
  }
  EXPECT_LT(sum3 / 10.0, -4.0);
  EXPECT_LT(sum50 / 10.0, -4.0);
}

}  // namespace
}  // namespace attn
