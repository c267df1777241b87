// Cases small enough to check by hand.
#include <gtest/gtest.h>

#include "attn/kernels/attention.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

Vectors<double> four_points() {
  Vectors<double> v;
  v.queries.resize(4, 2);
  v.queries << 1, 0, 0, 1, -1, 0, 0.6, 0.8;
  return v;
}

TEST(Golden, DotSoftmaxRowZero) {
  AttentionSpec spec;
  spec.score = ScoreKind::Dot;
  const Weights<double> w = compute_weights(four_points(), spec);
  // Row 0 scores: 1, 0, -1, 0.6  ->  e^s / (e + 1 + e^-1 + e^0.6)
  const double expected[4] = {0.46008, 0.169254, 0.062265, 0.308401};
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(w.matrix(0, j), expected[j], 5e-6) << "column " << j;
  const double total = std::exp(1.0) + 1.0 + std::exp(-1.0) + std::exp(0.6);
  EXPECT_NEAR(w.matrix(0, 0), std::exp(1.0) / total, 1e-15);
}

TEST(Golden, GaussianKernelEqualsDotSoftmaxOnUnitVectors) {
  // On the unit sphere -|q-k|^2/2 = q.k - 1: a row constant, which softmax removes.
  Vectors<double> v;
  v.queries = test::random_matrix<double>(24, 5, 7);
  v.queries.rowwise().normalize();
  AttentionSpec dot, gauss;
  dot.score = ScoreKind::Dot;
  gauss.score = ScoreKind::NegSqDist;
  dot.alpha = gauss.alpha = 1.7;
  const auto w_dot = compute_weights(v, dot);
  const auto w_gauss = compute_weights(v, gauss);
  EXPECT_LT(test::max_abs_diff(w_dot.matrix, w_gauss.matrix), 1e-12);
}

TEST(Golden, GaussianKernelDiffersFromDotWhenNormsDiffer) {
  // Off the sphere they differ by the per-column factor exp(-|x_j|^2/2): not the same weights.
  Vectors<double> v;
  v.queries = test::random_matrix<double>(24, 5, 8);
  AttentionSpec dot, gauss;
  dot.score = ScoreKind::Dot;
  gauss.score = ScoreKind::NegSqDist;
  EXPECT_GT(test::max_abs_diff(compute_weights(v, dot).matrix, compute_weights(v, gauss).matrix), 1e-2);
}

TEST(Golden, CausalMaskZerosTheFuture) {
  AttentionSpec spec;
  spec.score = ScoreKind::Dot;
  spec.mask = Mask::Causal;
  const Weights<double> w = compute_weights(four_points(), spec);
  EXPECT_DOUBLE_EQ(w.matrix(0, 0), 1.0);  // the first query sees only itself
  for (Index i = 0; i < 4; ++i) {
    for (Index j = i + 1; j < 4; ++j) EXPECT_EQ(w.matrix(i, j), 0.0);
    EXPECT_NEAR(w.matrix.row(i).sum(), 1.0, 1e-15);
  }
  // Row 1 sees keys 0 and 1 with scores 0 and 1.
  EXPECT_NEAR(w.matrix(1, 1), std::exp(1.0) / (1.0 + std::exp(1.0)), 1e-15);
}

TEST(Golden, SparsemaxOfTwoScores) {
  // sparsemax(z1, z2) = ((1 + z1 - z2)/2, (1 - z1 + z2)/2) when |z1 - z2| < 1, else one-hot.
  MatD s(2, 2);
  s << 0.3, 0.0, 2.0, 0.0;
  const auto w = test::weights_of(s, "sparsemax");
  EXPECT_NEAR(w.matrix(0, 0), 0.65, 1e-15);
  EXPECT_NEAR(w.matrix(0, 1), 0.35, 1e-15);
  EXPECT_EQ(w.matrix(1, 0), 1.0);
  EXPECT_EQ(w.matrix(1, 1), 0.0);
}

TEST(Golden, Entmax15OfTwoScores) {
  // 1.5-entmax: p_j = [z_j/2 - tau]^2 with sum 1. With both weights positive,
  // sqrt(p1) - sqrt(p2) = (z1 - z2)/2.
  MatD s(1, 2);
  s << 0.8, 0.0;
  const auto w = test::weights_of(s, "entmax15");
  const double p1 = w.matrix(0, 0), p2 = w.matrix(0, 1);
  EXPECT_NEAR(p1 + p2, 1.0, 1e-15);
  // Both positive: sqrt(p1) - sqrt(p2) = (z1 - z2)/2
  EXPECT_NEAR(std::sqrt(p1) - std::sqrt(p2), 0.4, 1e-12);
}

TEST(Golden, OutputsAreWeightedAverages) {
  MatD s(1, 3);
  s << 0.0, 0.0, std::log(2.0);  // weights 1/4, 1/4, 1/2
  const auto w = test::weights_of(s, "exp");
  MatD values(3, 2);
  values << 4, 0, 0, 4, 2, 2;
  const MatD y = attention_outputs(w, values);
  EXPECT_NEAR(y(0, 0), 2.0, 1e-15);
  EXPECT_NEAR(y(0, 1), 2.0, 1e-15);
}

}  // namespace
}  // namespace attn
