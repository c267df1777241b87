// The methods after softmax: what each keeps and gives up (SCIENCE.md, "Beyond F / sum F"), rows
// that need not sum to 1, stick-breaking's mask, stability, and the feature maps.
#include <cmath>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/feature_maps.hpp"
#include "attn/overview/overview.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::max_abs_diff;
using test::random_matrix;
using test::weights_of;

double row_mass(const MatD& w, Index i) { return w.row(i).sum(); }

TEST(BeyondSoftmax, ShiftInvarianceIsWhatScienceMdMeasured) {
  // Sigmoid attention, softmax_1, softpick and stick-breaking change under a constant shift;
  // SSMax does not (per row); linear attention takes no score; random features change for one draw.
  for (const char* spec : {"sigmoid-attn", "softmax1", "softpick", "stick-breaking"}) {
    const ShiftResponse r = probe_shift_response(parse_method(spec));
    EXPECT_GT(r.constant, 1e-3) << spec;
    EXPECT_GT(r.per_row, 1e-3) << spec;
  }
  const ShiftResponse ssmax = probe_shift_response(parse_method("ssmax:0.5"));
  EXPECT_TRUE(ssmax.constant_invariant());
  EXPECT_TRUE(ssmax.row_invariant());
  EXPECT_FALSE(ssmax.column_invariant());
  const ShiftResponse linear = probe_shift_response(parse_method("linear-attn"));
  EXPECT_TRUE(std::isnan(linear.constant));
  EXPECT_NE(linear.refused.find("no score"), std::string::npos) << linear.refused;
  const ShiftResponse performer = probe_shift_response(parse_method("performer:64"));
  EXPECT_GT(performer.constant, 1e-3);
  EXPECT_TRUE(performer.row_invariant());  // e^{alpha r_i} multiplies a whole row: it cancels
}

TEST(BeyondSoftmax, SsmaxSharpensWithTheNumberOfKeys) {
  // softmax(c log(n) s): the same scores seen by a row of 4 keys and a row of 64 keys (causal).
  MatD s = MatD::Zero(64, 64);
  for (Index j = 0; j < 64; ++j) s.row(63)(j) = s.row(3)(j) = (j % 4 == 0) ? 1.0 : 0.0;
  const auto w = weights_of(s, "ssmax:1", Mask::Causal);
  const auto e = weights_of(s, "exp", Mask::Causal);
  // Row 3 attends keys 0..3 (n = 4), row 63 all 64: the top key's weight relative to exp's grows.
  EXPECT_GT(w.matrix(63, 0) / e.matrix(63, 0), w.matrix(3, 0) / e.matrix(3, 0));
  EXPECT_NEAR(w.matrix(3, 0), std::exp(std::log(4.0)) / (std::exp(std::log(4.0)) + 3.0), 1e-12);
}

TEST(BeyondSoftmax, NearlyEmptyRowsAreResultsNotUndefinedRows) {
  const MatD low = MatD::Constant(6, 10, -40.0);
  for (const char* spec : {"sigmoid-attn", "softmax1", "softpick", "stick-breaking"}) {
    const auto w = weights_of(low, spec, Mask::Causal);
    EXPECT_EQ(w.undefined_count(), 0) << spec;
    EXPECT_FALSE(w.rows_sum_to_one) << spec;
    for (Index i = 0; i < 6; ++i) EXPECT_LT(row_mass(w.matrix, i), 1e-15) << spec;
    const RowSummary summary = summarize_row(w, 5);
    EXPECT_LT(summary.mass, 1e-15) << spec;
  }
  // softpick gives exact zeros to every score <= 0: a row of mass 0 whose entropy is undefined.
  const auto softpick = weights_of(low, "softpick");
  EXPECT_EQ(softpick.matrix.sum(), 0.0);
  EXPECT_TRUE(std::isnan(summarize_row(softpick, 0).entropy));
  // Only 0 / 0 (every score exactly 0) is undefined.
  const auto zeros = weights_of(MatD(MatD::Zero(2, 5)), "softpick");
  EXPECT_EQ(zeros.undefined_count(), 2);
  EXPECT_EQ(zeros.rows[0], RowStatus::AllZero);
}

TEST(BeyondSoftmax, RowStatisticsNormaliseRowsThatNeedNotSumToOne) {
  MatD s(1, 3);
  s << 2.0, 0.0, -1.0;
  const auto w = weights_of(s, "sigmoid-attn:0");
  const RowSummary summary = summarize_row(w, 0);
  const double mass = w.matrix.row(0).sum();
  EXPECT_NEAR(summary.mass, mass, 1e-15);
  double entropy = 0.0;
  for (Index j = 0; j < 3; ++j) entropy -= w.matrix(0, j) / mass * std::log(w.matrix(0, j) / mass);
  EXPECT_NEAR(summary.entropy, entropy, 1e-12);
  EXPECT_NEAR(summary.max_weight, 1.0 / (1.0 + std::exp(-2.0)), 1e-15);
  // Comparing two such rows: half the L1 distance, KL of the normalised rows, the mass change.
  const auto shifted = weights_of(MatD(s.array() + 1.0), "sigmoid-attn:0");
  const Deviation d = compare_weights(w, shifted);
  EXPECT_NEAR(d.mean_mass_change, std::abs(shifted.matrix.sum() - mass), 1e-12);
  EXPECT_NEAR(d.mean_tv, 0.5 * (shifted.matrix - w.matrix).cwiseAbs().sum(), 1e-12);
  EXPECT_GT(d.mean_kl, 0.0);
}

TEST(BeyondSoftmax, RowMassesStayWhereTheFormulasPutThem) {
  for (auto seed : {1u, 2u, 3u}) {
    const MatD s = random_matrix<double>(20, 24, seed, 2.0);
    for (const char* spec : {"softmax1", "softpick", "stick-breaking"}) {
      const auto w = weights_of(s, spec, Mask::Causal);
      for (Index i = 0; i < s.rows(); ++i) {
        EXPECT_LE(row_mass(w.matrix, i), 1.0 + 1e-12) << spec;
        EXPECT_GE(w.matrix.row(i).minCoeff(), 0.0) << spec;
      }
    }
    // Stick-breaking: what is left of the stick is prod (1 - beta) over the row's keys.
    const auto sb = weights_of(s, "stick-breaking", Mask::Causal);
    for (Index i = 0; i < s.rows(); ++i) {
      double rest = 1.0;
      for (Index k = 0; k <= i; ++k) rest *= 1.0 / (1.0 + std::exp(s(i, k)));
      EXPECT_NEAR(1.0 - row_mass(sb.matrix, i), rest, 1e-12);
    }
  }
}

TEST(BeyondSoftmax, StickBreakingIsRefusedWithoutTheCausalMaskEverywhere) {
  const MatD s = random_matrix<double>(5, 5, 1);
  const Method sb = parse_method("stick-breaking");
  auto message = [](const auto& f) {
    try {
      f();
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message([&] { (void)weights_from_scores(s, sb); }).find("causal mask"), std::string::npos);
  Vectors<double> v;
  v.queries = s;
  AttentionSpec spec;
  spec.method = sb;
  EXPECT_NE(message([&] { (void)compute_weights(v, spec); }).find("causal mask"), std::string::npos);
  EXPECT_NE(message([&] { (void)compute_query_row(v, spec, {}, 0); }).find("causal mask"), std::string::npos);
  EXPECT_NE(message([&] { (void)stream_overview(v, spec, {}, OverviewRequest{}); }).find("causal mask"),
            std::string::npos);
  spec.mask = Mask::Causal;
  EXPECT_EQ(compute_weights(v, spec).undefined_count(), 0);
}

TEST(BeyondSoftmax, HugeScoresGiveNoNaN) {
  Rng rng(3);
  MatD s(16, 16);
  for (Index k = 0; k < s.size(); ++k) s.data()[k] = (2.0 * rng.uniform() - 1.0) * 1e4;
  s.row(3).setConstant(1e4);
  s.row(4).setConstant(-1e4);
  for (const char* spec : {"sigmoid-attn", "softmax1", "softpick", "stick-breaking", "ssmax:2"}) {
    for (bool single : {false, true}) {
      SCOPED_TRACE(testing::Message() << spec << (single ? " float" : " double"));
      const auto check = [&](const auto& w) {
        EXPECT_EQ(w.undefined_count(), 0);
        EXPECT_TRUE(w.matrix.allFinite());
        EXPECT_GE(w.matrix.minCoeff(), 0.0f);
      };
      if (single) {
        check(weights_of(MatF(s.cast<float>()), spec, Mask::Causal));
      } else {
        check(weights_of(s, spec, Mask::Causal));
      }
    }
  }
}

TEST(BeyondSoftmax, SoftpickIsAccurateForScoresNearZero) {
  // e^s - 1 for |s| ~ 1e-6 loses every digit when formed as a difference in float32.
  MatD s(1, 4);
  s << 3e-6, -1e-6, 2e-6, -4e-6;
  const auto w = weights_of(MatF(s.cast<float>()), "softpick");
  const double denominator = 3e-6 + 1e-6 + 2e-6 + 4e-6;  // expm1(s) = s to 1e-12 relative here
  EXPECT_NEAR(w.matrix(0, 0), 3e-6 / denominator, 1e-5);
  EXPECT_NEAR(w.matrix(0, 2), 2e-6 / denominator, 1e-5);
  EXPECT_EQ(w.matrix(0, 1), 0.0f);
}

TEST(BeyondSoftmax, FeatureMapsTakeVectorsNotScores) {
  const MatD s = random_matrix<double>(4, 4, 1);
  for (const char* spec : {"linear-attn", "performer:8"}) {
    try {
      (void)weights_from_scores(s, parse_method(spec));
      ADD_FAILURE() << spec << " accepted scores";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("feature map"), std::string::npos) << e.what();
    }
  }
}

TEST(BeyondSoftmax, LinearAttentionIsEluPlusOneOfTheScoresFactors) {
  Vectors<double> v;
  v.queries = random_matrix<double>(7, 5, 11);
  v.keys = random_matrix<double>(9, 5, 12);
  AttentionSpec spec;
  spec.score = ScoreKind::Dot;
  spec.method = parse_method("linear-attn");
  auto phi = [](const MatD& x) { return MatD((x.array() > 0).select(x.array() + 1.0, x.array().exp())); };
  const MatD kernel = phi(v.queries) * phi(*v.keys).transpose();
  const MatD expected = kernel.array().colwise() / kernel.rowwise().sum().array();
  EXPECT_LE(max_abs_diff(compute_weights(v, spec).matrix, expected), 1e-14);
  // Vector noise reaches it; a shift of the scores is refused, saying why.
  Perturbation noise;
  noise.global_rms = 0.5;
  noise.seed = 3;
  EXPECT_GT(max_abs_diff(compute_weights(v, spec, noise).matrix, expected), 1e-3);
  Perturbation shift;
  shift.shift = 1.0;
  EXPECT_THROW((void)compute_weights(v, spec, shift), UsageError);
}

TEST(BeyondSoftmax, ARandomFeatureSeedIsADraw) {
  Vectors<double> v;
  v.queries = random_matrix<double>(12, 6, 21, 0.5);
  AttentionSpec a;
  a.method = parse_method("performer:64:5");
  const MatD first = compute_weights(v, a).matrix;
  EXPECT_TRUE(test::same_bits(first, compute_weights(v, a).matrix));
  a.method = parse_method("performer:64:6");
  EXPECT_GT(max_abs_diff(first, compute_weights(v, a).matrix), 1e-4);
  // The first d entries of each direction do not depend on the dimension asked for.
  const MatD narrow = random_feature_directions(parse_method("performer:8"), 4);
  const MatD wide = random_feature_directions(parse_method("performer:8"), 5);
  EXPECT_EQ(max_abs_diff(narrow, MatD(wide.leftCols(4))), 0.0);
}

TEST(BeyondSoftmax, FeatureMapOutputsWithoutWEqualTheOutputsOfW) {
  Vectors<double> v;
  v.queries = random_matrix<double>(30, 6, 31);
  v.keys = random_matrix<double>(25, 6, 32);
  const MatD values = random_matrix<double>(25, 3, 33);
  for (const char* spec : {"linear-attn", "performer:32:2"}) {
    for (Mask mask : {Mask::None, Mask::Causal}) {
      AttentionSpec a;
      a.method = parse_method(spec);
      a.mask = mask;
      const MatD direct = attention_outputs(compute_weights(v, a), values);
      EXPECT_LE(max_abs_diff(feature_map_outputs(v, a, values), direct), 1e-12) << spec;
    }
  }
}

TEST(BeyondSoftmax, NewMethodsAreBitForBitTheSameOnEveryPath) {
  Vectors<float> v;
  v.queries = random_matrix<float>(90, 12, 41);
  v.keys = random_matrix<float>(77, 12, 42);
  Perturbation p;
  p.shift = 0.4;
  p.score_noise_rms = 0.1;
  p.column_shifts.assign(77, 0.0);
  p.column_shifts[3] = 0.7;
  p.seed = 4;
  for (const char* spec : {"sigmoid-attn", "softmax1", "softpick", "stick-breaking", "ssmax:0.5", "performer:32"}) {
    AttentionSpec a;
    a.method = parse_method(spec);
    a.mask = Mask::Causal;
    const Weights<float> fused = compute_weights(v, a, p);
    if (!a.method.is_feature_map()) {
      const Mat<float> scores = compute_scores(v, a, p);
      EXPECT_TRUE(test::same_bits(fused.matrix, weights_from_scores(scores, a.method, a.mask).matrix)) << spec;
      Weights<float> shared;
      weights_from_scores_into(scores, a.method, a.mask, true, shared);
      EXPECT_TRUE(test::same_bits(fused.matrix, shared.matrix)) << spec;
      EXPECT_EQ(shared.rows_sum_to_one, a.method.rows_sum_to_one());
    }
    for (Index i : {Index(0), Index(33), Index(89)}) {
      const QueryRow<float> row = compute_query_row(v, a, p, i);
      EXPECT_TRUE(test::same_bits(Mat<float>(row.weights.transpose()), Mat<float>(fused.matrix.row(i)))) << spec;
    }
  }
}

}  // namespace
}  // namespace attn
