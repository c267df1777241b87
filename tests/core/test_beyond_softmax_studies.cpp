// The studies of the methods after softmax: random features against softmax and under a shift,
// attention sinks, and sequence length. Each asserts the direction the study is about.
#include <cmath>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/experiments/beyond_softmax.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::random_matrix;

Vectors<double> small_vectors() {
  Vectors<double> v;
  v.queries = random_matrix<double>(32, 8, 21, 0.5);
  v.keys = random_matrix<double>(40, 8, 22, 0.5);
  return v;
}

TEST(RandomFeatureStudy, ErrorToSoftmaxFallsLikeOneOverRootM) {
  const Index counts[] = {16, 256, 4096};
  const auto points = random_feature_error(small_vectors(), AttentionSpec{}, counts, 6, 1);
  ASSERT_EQ(points.size(), 3u);
  // 16x the features: the mean TV falls by about 4 (1/sqrt(m)); asserted as more than 2.5.
  EXPECT_GT(points[0].mean_tv.mean, 2.5 * points[1].mean_tv.mean);
  EXPECT_GT(points[1].mean_tv.mean, 2.5 * points[2].mean_tv.mean);
  EXPECT_GT(points[0].max_abs_diff.mean, points[2].max_abs_diff.mean);
  EXPECT_GT(points[2].mean_tv.stddev, 0.0);  // a spread over draws, not one number
}

TEST(RandomFeatureStudy, AShiftChangesOneDrawAndNotTheExpectation) {
  const FeatureShiftResult r = random_feature_shift(small_vectors(), AttentionSpec{}, 32, 1.0, 1024, 3);
  EXPECT_LT(r.softmax, 1e-12);
  EXPECT_GT(r.one_draw.min, 1e-3);  // every single draw changes
  ASSERT_GE(r.averaged.size(), 5u);
  EXPECT_EQ(r.averaged.back().draws, 1024);
  // Averaging the kernel over draws removes the change: 1024 draws several times below one draw.
  EXPECT_LT(r.averaged.back().max_abs_diff, 0.25 * r.one_draw.mean);
  EXPECT_LT(r.averaged.back().max_abs_diff, r.averaged[1].max_abs_diff);
}

TEST(SinkStudy, SoftmaxMustSpendEveryRowWhileOthersCanDecline) {
  const SinkData data = generate_sink_data(128, 32, 4);
  AttentionSpec base;
  base.mask = Mask::Causal;
  const std::vector<Method> methods = parse_method_list("exp,softmax1,sigmoid-attn,softpick,stick-breaking");
  const auto rows = sink_study(data.vectors, base, methods, data.idle);
  ASSERT_EQ(rows.size(), 5u);
  const SinkRow& exp = rows[0];
  ASSERT_GT(exp.idle.rows, 10);
  ASSERT_GT(exp.seeking.rows, 10);
  EXPECT_NEAR(exp.idle.row_mass, 1.0, 1e-9);
  EXPECT_NEAR(exp.idle.declined, 0.0, 1e-9);
  // Idle rows: softmax puts far more than the uniform 1/n on the unremarkable key 0 (a sink).
  EXPECT_GT(exp.idle.key0_mass, 10.0 / 128.0);
  EXPECT_LT(exp.seeking.key0_mass, exp.idle.key0_mass);
  // sigmoid attention and softpick decline most of an idle row; softpick gives key 0 nothing.
  EXPECT_GT(rows[2].idle.declined, 0.8);
  EXPECT_GT(rows[3].idle.declined, 0.99);
  EXPECT_EQ(rows[3].idle.key0_mass, 0.0);
  // softmax_1 declines exactly what its implicit zero logit takes: as much as key 0 (score 0) gets.
  EXPECT_NEAR(rows[1].idle.declined, rows[1].idle.key0_mass, 1e-12);
  EXPECT_GT(rows[1].idle.declined, 0.0);
  // Rows that find their key spend most of it.
  EXPECT_GT(rows[2].seeking.row_mass, rows[2].idle.row_mass);
  EXPECT_GT(rows[3].seeking.row_mass, 0.5);
}

TEST(SinkStudy, WrongIdleFlagsAreRefused) {
  const SinkData data = generate_sink_data(16, 4, 1);
  const std::vector<Method> methods = {Method{}};
  EXPECT_THROW((void)sink_study(data.vectors, AttentionSpec{}, methods, std::vector<bool>(3)), InputError);
  EXPECT_THROW((void)generate_sink_data(1, 4, 1), UsageError);
}

TEST(LengthStudy, SoftmaxFadesAndTheAlternativesDoWhatTheirFormulasSay) {
  const Index lengths[] = {16, 256, 4096};
  const std::vector<Method> methods = parse_method_list("exp,ssmax:0.5,sigmoid-attn,sigmoid-attn:0,relu");
  const auto curves = length_study(AttentionSpec{}, methods, lengths, 32, 8, 5);
  ASSERT_EQ(curves.size(), 5u);
  auto at = [&](std::size_t method, std::size_t k) { return curves[method].points[k]; };
  // Softmax fades: the largest weight falls with n, the entropy grows with log n.
  EXPECT_LT(at(0, 2).max_weight, 0.2 * at(0, 0).max_weight);
  EXPECT_GT(at(0, 2).entropy, at(0, 0).entropy + 3.0);
  // SSMax keeps a peak: at n = 4096 its largest weight is far above softmax's.
  EXPECT_GT(at(1, 2).max_weight, 10.0 * at(0, 2).max_weight);
  // Sigmoid attention with b = -log n keeps its row mass near constant; with b = 0 the mass grows
  // like n / 2 while its largest weight stays near 1 (no fading, no distribution either).
  EXPECT_LT(std::abs(std::log(at(2, 2).mass / at(2, 0).mass)), std::log(2.0));
  EXPECT_GT(at(3, 2).mass, 0.3 * 4096);
  EXPECT_GT(at(3, 2).max_weight, 0.9);
  // relu fades too.
  EXPECT_LT(at(4, 2).max_weight, 0.2 * at(4, 0).max_weight);
  for (const auto& curve : curves) {
    for (const auto& p : curve.points) EXPECT_EQ(p.undefined_rows, 0) << curve.method;
  }
}

}  // namespace
}  // namespace attn
