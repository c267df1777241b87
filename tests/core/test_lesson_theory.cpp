// The theory the lessons show beyond plain weights: the Jacobian of one attention step and its
// largest singular value, drift and diffusion of the Gaussian kernel, metric attention,
// duplication of tokens (attention on the empirical measure), the softmax Jacobian, and where
// iterated dot-product attention leaves its clusters. Derivatives are checked against finite
// differences; the lesson's statements are asserted on the lessons' own data.
#include <algorithm>
#include <cmath>
#include <set>

#include <Eigen/SVD>
#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/theory/drift_diffusion.hpp"
#include "attn/theory/lipschitz.hpp"
#include "attn/theory/measure_duplication.hpp"
#include "attn/theory/metric_attention.hpp"
#include "attn/theory/propagation.hpp"
#include "attn/theory/softmax_jacobian.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::random_matrix;
using test::spec_of;

MatD step(const MatD& x, const AttentionSpec& spec) { return propagate_once(x, spec).points; }

// The lessons' 64 points in 2-D.
MatD lesson_points() { return generate_dataset(DatasetKind::Gaussian, 64, 2, 2).points; }

// Dense Jacobian (nd by nd, row-major flattening) by central differences of the step itself.
MatD finite_difference_jacobian(const MatD& x, const AttentionSpec& spec, double h = 1e-6) {
  const Index size = x.size();
  MatD j(size, size);
  for (Index k = 0; k < size; ++k) {
    MatD plus = x, minus = x;
    plus.data()[k] += h;
    minus.data()[k] -= h;
    const MatD column = (step(plus, spec) - step(minus, spec)) / (2 * h);
    j.col(k) = Eigen::Map<const Vec<double>>(column.data(), size);
  }
  return j;
}

double largest_singular_value_of(const MatD& j) { return Eigen::JacobiSVD<MatD>(j).singularValues()(0); }

const ScoreKind kJacobianScores[] = {ScoreKind::Dot, ScoreKind::ScaledDot, ScoreKind::NegSqDist};

// ---------------------------------------------------------------------------------------------
// Jacobian of one step and its largest singular value

TEST(Lipschitz, JacobianVectorProductMatchesFiniteDifferences) {
  const MatD x = random_matrix<double>(12, 3, 1);
  const MatD dx = random_matrix<double>(12, 3, 2);
  for (ScoreKind score : kJacobianScores) {
    const AttentionSpec spec = spec_of(score, 0.8);
    const double h = 1e-6;
    const MatD numeric = (step(x + h * dx, spec) - step(x - h * dx, spec)) / (2 * h);
    const MatD analytic = attention_jvp(x, spec, dx);
    EXPECT_LT(test::max_abs_diff(analytic, numeric), 1e-7 * std::max(1.0, analytic.cwiseAbs().maxCoeff()))
        << score_kind_name(score);
  }
}

TEST(Lipschitz, VectorJacobianProductIsTheTranspose) {
  const MatD x = random_matrix<double>(10, 4, 3);
  const MatD dx = random_matrix<double>(10, 4, 4);
  const MatD g = random_matrix<double>(10, 4, 5);
  for (ScoreKind score : kJacobianScores) {
    const AttentionSpec spec = spec_of(score, 1.3);
    const double left = (g.array() * attention_jvp(x, spec, dx).array()).sum();
    const double right = (attention_vjp(x, spec, g).array() * dx.array()).sum();
    EXPECT_NEAR(left, right, 1e-10 * std::max(1.0, std::abs(left))) << score_kind_name(score);
  }
}

TEST(Lipschitz, PowerIterationFindsTheLargestSingularValueOfTheFiniteDifferenceJacobian) {
  const MatD x = random_matrix<double>(9, 2, 6, 1.5);
  for (ScoreKind score : kJacobianScores) {
    const AttentionSpec spec = spec_of(score, 1.0);
    const double reference = largest_singular_value_of(finite_difference_jacobian(x, spec));
    const LipschitzEstimate estimate = largest_singular_value(x, spec, 1000, 1e-12);
    EXPECT_NEAR(estimate.largest_singular_value, reference, 1e-5 * reference) << score_kind_name(score);
  }
}

TEST(Lipschitz, DotProductAttentionGrowsWithTheInputsAndTheGaussianKernelStaysBounded) {
  // The lesson's claims on its own data: sigma_max of the dot step grows without bound as the
  // inputs are scaled up; with the Gaussian kernel (fixed width) it stays small. Theory: the
  // point itself has kernel value 1, so w_ij <= exp(-alpha |x_i - x_j|^2 / 2), which beats the
  // polynomial growth of the derivative.
  const MatD x = lesson_points();
  double dot_small = 0, dot_large = 0, gaussian_max = 0;
  for (double radius : {0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0}) {
    const double dot = largest_singular_value(radius * x, spec_of(ScoreKind::Dot, 1.0)).largest_singular_value;
    const double gaussian =
        largest_singular_value(radius * x, spec_of(ScoreKind::NegSqDist, 1.0)).largest_singular_value;
    if (radius == 0.5) dot_small = dot;
    dot_large = dot;
    gaussian_max = std::max(gaussian_max, gaussian);
  }
  EXPECT_GT(dot_large, 100 * dot_small);
  EXPECT_LT(gaussian_max, 2.5);
  EXPECT_GT(gaussian_max, 1.0);
}

TEST(Lipschitz, RefusesWhatItDoesNotImplement) {
  const MatD x = random_matrix<double>(5, 2, 7);
  EXPECT_THROW(largest_singular_value(x, spec_of(ScoreKind::Dot, 1.0, "relu")), UsageError);
  EXPECT_THROW(largest_singular_value(x, spec_of(ScoreKind::Cosine, 1.0)), UsageError);
  EXPECT_THROW(attention_jvp(x, spec_of(ScoreKind::Dot, 1.0), MatD::Zero(4, 2)), InputError);
  MatD bad = x;
  bad(2, 1) = NAN;
  EXPECT_THROW(largest_singular_value(bad, spec_of(ScoreKind::Dot, 1.0)), InputError);
}

// ---------------------------------------------------------------------------------------------
// Drift and diffusion (Ruan & Zhang)

TEST(DriftDiffusion, LogDensityIsTheKernelSum) {
  const MatD x = random_matrix<double>(7, 2, 8);
  const MatD at = random_matrix<double>(3, 2, 9);
  const Vec<double> log_p = kernel_log_density(x, at, 2.0);
  for (Index i = 0; i < at.rows(); ++i) {
    double sum = 0;
    for (Index j = 0; j < x.rows(); ++j) sum += std::exp(-(at.row(i) - x.row(j)).squaredNorm());
    EXPECT_NEAR(log_p(i), std::log(sum), 1e-12);
  }
  // Far away (every kernel value underflows) the log-sum-exp stays finite.
  EXPECT_TRUE(std::isfinite(kernel_log_density(x, MatD::Constant(1, 2, 1e3), 2.0)(0)));
}

TEST(DriftDiffusion, AGaussianStepIsAMeanShiftUpTheDensity) {
  const MatD x = lesson_points();
  for (double alpha : {0.5, 1.0, 4.0}) {
    const DriftCheck check = measure_drift(x, spec_of(ScoreKind::NegSqDist, alpha), alpha);
    EXPECT_EQ(check.uphill, check.points) << alpha;
    EXPECT_LT(check.largest_gradient_mismatch, 1e-6) << alpha;
  }
  // Dot scores pull towards large-norm points instead: many points go downhill.
  const DriftCheck dot = measure_drift(x, spec_of(ScoreKind::Dot, 5.0), 1.0);
  EXPECT_LT(dot.uphill, dot.points / 2);
  EXPECT_GT(dot.largest_gradient_mismatch, 0.1);
}

TEST(DriftDiffusion, RepeatedStepsDampARoughPatternFasterThanASmoothOne) {
  const MatD x = lesson_points();
  const Diffusion d = diffuse_values(x, spec_of(ScoreKind::NegSqDist, 4.0), 3, 1);
  ASSERT_EQ(d.rough_kept.size(), 4u);
  EXPECT_EQ(d.rough_kept[0], 1.0);
  for (std::size_t k = 1; k < d.rough_kept.size(); ++k) {
    EXPECT_LT(d.rough_kept[k], d.rough_kept[k - 1]);
    EXPECT_LT(d.smooth_kept[k], d.smooth_kept[k - 1]);
    // Averages never leave the range of the values they average.
    EXPECT_LE(d.rough[k].maxCoeff(), d.rough[k - 1].maxCoeff() + 1e-12);
  }
  EXPECT_LT(d.rough_kept[3], 0.1);
  EXPECT_GT(d.smooth_kept[3], 0.4);
  // A wide kernel (small alpha) flattens both.
  const Diffusion wide = diffuse_values(x, spec_of(ScoreKind::NegSqDist, 0.5), 3, 1);
  EXPECT_LT(wide.smooth_kept[3], 0.05);
}

// ---------------------------------------------------------------------------------------------
// Metric attention (Ruan & Zhang)

TEST(MetricAttention, TheIdentityMapIsTheGaussianKernel) {
  const MatD x = random_matrix<double>(11, 3, 10);
  const AttentionSpec spec = spec_of(ScoreKind::NegSqDist, 0.7);
  Vectors<double> v;
  v.queries = x;
  EXPECT_LT(test::max_abs_diff(metric_attention(x, MatD::Identity(3, 3), spec).matrix, compute_weights(v, spec).matrix),
            1e-15);
}

TEST(MetricAttention, ASingularMapIsAPseudoMetric) {
  const MatD x = random_matrix<double>(10, 2, 11);
  const AttentionSpec spec = spec_of(ScoreKind::Dot, 1.0);  // the score kind is replaced
  MatD squash(2, 2);
  squash << 1.0, 0.0, 0.0, 0.0;
  const NullSpaceCheck singular = null_space_check(x, squash, spec);
  ASSERT_TRUE(singular.singular);
  EXPECT_NEAR(std::abs(singular.direction(1)), 1.0, 1e-12);
  EXPECT_LT(singular.largest_weight_gap, 1e-15);
  EXPECT_FALSE(null_space_check(x, MatD::Identity(2, 2), spec).singular);
}

TEST(MetricAttention, TheMapChangesWhoAttendsToWhom) {
  const MatD x = lesson_points();
  const AttentionSpec spec = spec_of(ScoreKind::NegSqDist, 4.0);
  MatD squash(2, 2);
  squash << 1.0, 0.0, 0.0, 0.1;
  EXPECT_EQ(neighbour_change_fraction(x, MatD::Identity(2, 2), MatD::Identity(2, 2), spec), 0.0);
  EXPECT_GT(neighbour_change_fraction(x, MatD::Identity(2, 2), squash, spec), 0.2);
  EXPECT_THROW(metric_attention(x, MatD::Identity(3, 3), spec), InputError);
}

// ---------------------------------------------------------------------------------------------
// Duplication (Vuckovic et al.: attention on the empirical measure)

TEST(Duplication, DoublingEveryTokenChangesNothingAndDoublingOneDoes) {
  const MatD x = random_matrix<double>(8, 2, 12);
  for (ScoreKind score : {ScoreKind::Dot, ScoreKind::NegSqDist}) {
    const AttentionSpec spec = spec_of(score, 1.0);
    const Duplication d = duplication_effect(x, spec, 3);
    EXPECT_LT(d.all_max_change, 1e-14) << score_kind_name(score);
    EXPECT_GT(d.one_max_change, 1e-3) << score_kind_name(score);
    // Each query's weight on the doubled token becomes 2w / (1 + w).
    Vectors<double> v;
    v.queries = x;
    const Vec<double> w = compute_weights(v, spec).matrix.col(3);
    EXPECT_NEAR(d.token_weight_doubled, (2 * w.array() / (1 + w.array())).mean(), 1e-14);
    EXPECT_NEAR(d.token_weight, w.mean(), 1e-15);
  }
  EXPECT_THROW(duplication_effect(x, spec_of(ScoreKind::Dot, 1.0), 8), UsageError);
}

// ---------------------------------------------------------------------------------------------
// Softmax Jacobian (Ylipää: attention routes the gradient)

TEST(SoftmaxJacobian, MatchesFiniteDifferencesAndRoutesTheGradientByWeight) {
  Vec<double> g(5);
  g << 2.0, -1.0, 0.5, -6.0, 1.0;
  auto softmax = [](const Vec<double>& s) {
    const Vec<double> e = (s.array() - s.maxCoeff()).exp();
    return Vec<double>(e / e.sum());
  };
  const Vec<double> w = softmax(g);
  const MatD j = softmax_jacobian(w);
  const double h = 1e-6;
  for (Index k = 0; k < g.size(); ++k) {
    Vec<double> plus = g, minus = g;
    plus(k) += h;
    minus(k) -= h;
    const Vec<double> column = (softmax(plus) - softmax(minus)) / (2 * h);
    EXPECT_LT((j.col(k) - column).cwiseAbs().maxCoeff(), 1e-9);
  }
  EXPECT_LT(j.rowwise().sum().cwiseAbs().maxCoeff(), 1e-15);  // weights always sum to 1
  Vec<double> u(5);
  u << 1.0, -2.0, 0.3, 4.0, 0.0;
  EXPECT_LT((score_gradient(w, u) - j.transpose() * u).cwiseAbs().maxCoeff(), 1e-15);
  // The word with a near-zero weight (score -6) gets almost no gradient, despite the largest u.
  EXPECT_LT(std::abs(score_gradient(w, u)(3)), 0.01 * score_gradient(w, u).cwiseAbs().maxCoeff());
  EXPECT_THROW(score_gradient(w, Vec<double>::Zero(4)), InputError);
}

// ---------------------------------------------------------------------------------------------
// Where iterated attention leaves its clusters

TEST(Survivors, DotScoresLeaveTheirClustersOnTheLargestNormPoints) {
  const MatD x = lesson_points();
  const auto path = propagate(x, spec_of(ScoreKind::Dot, 5.0), 20);
  const auto found = survivors(x, path.back(), 0.05);
  ASSERT_EQ(static_cast<Index>(found.size()), count_clusters(path.back(), 0.05));
  std::set<Index> ranks;
  Index members = 0;
  for (const Survivor& s : found) {
    ranks.insert(s.norm_rank);
    members += s.members;
    EXPECT_LT(s.distance, 0.1);
  }
  EXPECT_EQ(members, x.rows());
  EXPECT_EQ(*ranks.rbegin(), static_cast<Index>(found.size()));  // ranks 1..k, each once
  EXPECT_EQ(ranks.size(), found.size());
  // The Gaussian kernel's survivors are not the extreme points.
  const auto gaussian = survivors(x, propagate(x, spec_of(ScoreKind::NegSqDist, 10.0), 20).back(), 0.05);
  Index worst = 0;
  for (const Survivor& s : gaussian) worst = std::max(worst, s.norm_rank);
  EXPECT_GT(worst, static_cast<Index>(gaussian.size()));
}

TEST(Survivors, LabelsAgreeWithTheClusterCount) {
  const MatD x = random_matrix<double>(30, 2, 13);
  const std::vector<Index> labels = cluster_labels(x, 0.4);
  EXPECT_EQ(*std::max_element(labels.begin(), labels.end()) + 1, count_clusters(x, 0.4));
  EXPECT_EQ(labels[0], 0);
}

}  // namespace
}  // namespace attn
