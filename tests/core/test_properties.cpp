// Properties that must hold for every random input, checked over several seeds.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/kernels/attention.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::max_abs_diff;
using test::random_matrix;

constexpr std::uint64_t kSeeds[] = {1, 2, 3, 4, 5};
const char* const kRatioMethodsOtherThanExp[] = {"relu",     "power:2", "power:0.5",  "linear",
                                                 "softplus", "sigmoid", "exp-plus:1", "custom:1+z^2*(z>0)"};
const char* const kAllMethods[] = {"exp",       "relu",     "power:2",    "linear",
                                   "softplus",  "sigmoid",  "exp-plus:1", "custom:exp(2*z)",
                                   "sparsemax", "entmax15", "sinkhorn:3", "doubly-normalized",
                                   "ssmax:0.5"};

// Scores centred at 0.5 so that relu-like methods have positive entries in every row.
template <class T>
Mat<T> random_scores(std::uint64_t seed, Index n = 20, Index m = 24) {
  return random_matrix<T>(n, m, seed, 1.0, 0.5);
}

template <class T>
void expect_rows_are_distributions(const Weights<T>& w, double tolerance, const char* spec) {
  for (Index i = 0; i < w.matrix.rows(); ++i) {
    if (!w.defined(i)) continue;
    EXPECT_NEAR(static_cast<double>(w.matrix.row(i).sum()), 1.0, tolerance) << spec << " row " << i;
    EXPECT_GE(static_cast<double>(w.matrix.row(i).minCoeff()), 0.0) << spec << " row " << i;
  }
}

TEST(Properties, ExpUnchangedByConstantShiftDouble) {
  for (auto seed : kSeeds) {
    const MatD s = random_scores<double>(seed);
    for (double shift : {0.1, 1.0, 10.0, -37.0}) {
      const MatD shifted = s.array() + shift;
      EXPECT_LE(max_abs_diff(test::weights_of(s, "exp").matrix, test::weights_of(shifted, "exp").matrix), 1e-12)
          << "seed " << seed << " shift " << shift;
    }
  }
}

TEST(Properties, ExpUnchangedByConstantShiftFloat) {
  for (auto seed : kSeeds) {
    const MatF s = random_scores<float>(seed);
    for (float shift : {0.1f, 1.0f, 10.0f}) {
      const MatF shifted = s.array() + shift;
      EXPECT_LE(max_abs_diff(test::weights_of(s, "exp").matrix, test::weights_of(shifted, "exp").matrix), 1e-6)
          << "seed " << seed << " shift " << shift;
    }
  }
}

TEST(Properties, ExpUnchangedByPerRowShifts) {
  for (auto seed : kSeeds) {
    const MatD s = random_scores<double>(seed);
    const MatD r = random_matrix<double>(s.rows(), 1, seed + 100, 3.0);
    const MatD shifted = s + r.replicate(1, s.cols());
    EXPECT_LE(max_abs_diff(test::weights_of(s, "exp").matrix, test::weights_of(shifted, "exp").matrix), 1e-12);
    const MatF sf = s.cast<float>(), shifted_f = shifted.cast<float>();
    EXPECT_LE(max_abs_diff(test::weights_of(sf, "exp").matrix, test::weights_of(shifted_f, "exp").matrix), 1e-6);
  }
}

TEST(Properties, PerColumnShiftsChangeExp) {
  for (auto seed : kSeeds) {
    const MatD s = random_scores<double>(seed);
    const MatD c = random_matrix<double>(1, s.cols(), seed + 200, 1.0);
    const MatD shifted = s + c.replicate(s.rows(), 1);
    EXPECT_GT(max_abs_diff(test::weights_of(s, "exp").matrix, test::weights_of(shifted, "exp").matrix), 1e-3);
  }
}

TEST(Properties, EveryOtherRatioMethodChangesUnderAConstantShift) {
  for (auto seed : kSeeds) {
    const MatD s = random_scores<double>(seed);
    const MatD shifted = s.array() + 1.0;
    for (const char* spec : kRatioMethodsOtherThanExp) {
      const auto a = test::weights_of(s, spec), b = test::weights_of(shifted, spec);
      ASSERT_EQ(a.undefined_count(), 0) << spec;
      EXPECT_GT(max_abs_diff(a.matrix, b.matrix), 1e-3) << spec << " seed " << seed;
    }
  }
}

TEST(Properties, SparseMethodsAreShiftInvariantWithExactZeros) {
  for (auto seed : kSeeds) {
    const MatD s = random_matrix<double>(20, 24, seed, 2.0);
    for (const char* spec : {"sparsemax", "entmax15"}) {
      const auto a = test::weights_of(s, spec);
      const MatD shifted = s.array() + 5.0;
      EXPECT_LE(max_abs_diff(a.matrix, test::weights_of(shifted, spec).matrix), 1e-12) << spec;
      EXPECT_GT((a.matrix.array() == 0.0).count(), 0) << spec << " has no exact zeros";
      expect_rows_are_distributions(a, 1e-12, spec);
    }
  }
}

TEST(Properties, RowsSumToOne) {
  for (auto seed : kSeeds) {
    const MatD s = random_scores<double>(seed);
    for (const char* spec : kAllMethods) {
      const auto w = test::weights_of(s, spec);
      EXPECT_EQ(w.undefined_count(), 0) << spec;
      expect_rows_are_distributions(w, 1e-12, spec);
      const auto wf = test::weights_of(MatF(s.cast<float>()), spec);
      expect_rows_are_distributions(wf, 2e-6, spec);
      const auto wc = test::weights_of(s, spec, Mask::Causal);
      expect_rows_are_distributions(wc, 1e-12, spec);
      for (Index i = 0; i < s.rows(); ++i) {
        if (!wc.defined(i)) continue;  // e.g. relu when query 0's only visible score is negative
        for (Index j = i + 1; j < s.cols(); ++j) ASSERT_EQ(wc.matrix(i, j), 0.0) << spec;
      }
      EXPECT_LE(wc.undefined_count(), 2) << spec;
    }
  }
}

TEST(Properties, HugeLogitsGiveNoNaN) {
  for (auto seed : kSeeds) {
    Rng rng(seed);
    MatD s(16, 16);
    for (Index k = 0; k < s.size(); ++k) s.data()[k] = (2.0 * rng.uniform() - 1.0) * 1e4;
    s.row(3).setConstant(1e4);   // all at the top of the range
    s.row(4).setConstant(-1e4);  // all at the bottom: naive exp underflows to 0/0
    for (const char* spec : {"exp", "softplus", "sigmoid", "exp-plus:1", "sparsemax", "entmax15", "sinkhorn:2"}) {
      const auto w = test::weights_of(s, spec);
      EXPECT_EQ(w.undefined_count(), 0) << spec;
      EXPECT_TRUE(w.matrix.allFinite()) << spec;
      expect_rows_are_distributions(w, 1e-12, spec);
      const auto wf = test::weights_of(MatF(s.cast<float>()), spec);
      EXPECT_EQ(wf.undefined_count(), 0) << spec << " (float)";
      EXPECT_TRUE(wf.matrix.allFinite()) << spec << " (float)";
    }
    // A constant row is uniform for every exponential method.
    EXPECT_NEAR(test::weights_of(s, "exp").matrix(4, 0), 1.0 / 16, 1e-15);
  }
}

TEST(Properties, UndefinedRowsAreFlaggedAndNaN) {
  MatD s = random_scores<double>(9, 6, 5);
  s.row(2).setConstant(-1.0);  // relu: every F is 0, 0/0
  const auto w = test::weights_of(s, "relu");
  ASSERT_EQ(w.undefined_count(), 1);
  EXPECT_EQ(w.rows[2], RowStatus::AllZero);
  EXPECT_TRUE(w.matrix.row(2).array().isNaN().all());
  EXPECT_EQ(w.undefined_rows(), std::vector<Index>{2});
  for (Index i = 0; i < s.rows(); ++i) {
    if (i != 2) {
      EXPECT_TRUE(w.defined(i));
    }
  }
  // A custom F that goes negative is not a probability.
  const auto neg = test::weights_of(s, "custom:z");
  EXPECT_GT(neg.undefined_count(), 0);
  for (Index i : neg.undefined_rows()) EXPECT_EQ(neg.rows[static_cast<std::size_t>(i)], RowStatus::Negative);
  // A custom F that overflows is flagged, not silently normalised.
  const auto overflow = test::weights_of(MatD(s.array() * 1000.0), "custom:exp(z)");
  EXPECT_GT(overflow.undefined_count(), 0);
}

TEST(Properties, FusedWeightsEqualWeightsOfScoresBitForBit) {
  Vectors<float> v;
  v.queries = random_matrix<float>(150, 12, 1);
  v.keys = random_matrix<float>(97, 12, 2);
  Perturbation p;
  p.shift = 0.3;
  p.score_noise_rms = 0.2;
  p.seed = 11;
  for (ScoreKind kind : all_score_kinds()) {
    for (const char* spec : {"exp", "relu", "entmax15"}) {
      AttentionSpec a;
      a.score = kind;
      a.alpha = 0.8;
      a.method = parse_method(spec);
      const auto fused = compute_weights(v, a, p);
      const auto staged = weights_from_scores(compute_scores(v, kind, a.alpha, p), a.method);
      EXPECT_TRUE(test::same_bits(fused.matrix, staged.matrix)) << spec << " " << score_kind_name(kind);
      EXPECT_EQ(fused.rows, staged.rows) << spec << " " << score_kind_name(kind);
    }
  }
}

TEST(Properties, WeightsIntoAReusedResultEqualFreshOnes) {
  Vectors<float> v;
  v.queries = random_matrix<float>(70, 9, 4);
  v.keys = random_matrix<float>(53, 9, 5);
  Weights<float> reused;
  reused.matrix = Mat<float>::Constant(70, 53, 7.0f);  // stale values of the right shape
  for (const char* spec : {"exp", "relu", "sparsemax", "sinkhorn:2"}) {
    for (double shift : {0.0, 2.5}) {
      AttentionSpec a;
      a.method = parse_method(spec);
      a.mask = shift > 0.0 ? Mask::Causal : Mask::None;
      Perturbation p;
      p.shift = shift;
      compute_weights_into(v, a, p, reused);
      const Weights<float> fresh = compute_weights(v, a, p);
      EXPECT_TRUE(test::same_bits(reused.matrix, fresh.matrix)) << spec << " shift " << shift;
      EXPECT_EQ(reused.rows, fresh.rows) << spec;
    }
  }
  Weights<float> wrong_shape;
  wrong_shape.matrix = Mat<float>::Zero(3, 4);
  compute_weights_into(v, AttentionSpec{}, {}, wrong_shape);
  EXPECT_EQ(wrong_shape.matrix.rows(), 70);
  EXPECT_EQ(wrong_shape.matrix.cols(), 53);
  EXPECT_TRUE(test::same_bits(wrong_shape.matrix, compute_weights(v, AttentionSpec{}).matrix));
}

TEST(Properties, WeightsFromSharedScoresEqualComputeWeights) {
  // The app computes one score matrix per edit and every method's weights from it.
  Vectors<float> v;
  v.queries = random_matrix<float>(130, 10, 21);
  v.keys = random_matrix<float>(77, 10, 22);
  Perturbation p;
  p.shift = 1.5;
  p.score_noise_rms = 0.3;
  p.local_rms = 0.2;
  p.seed = 5;
  Weights<float> out;
  out.matrix = Mat<float>::Constant(130, 77, 3.0f);  // stale values of the right shape
  for (ScoreKind kind : all_score_kinds()) {
    AttentionSpec base;
    base.score = kind;
    base.alpha = 1.3;
    const Mat<float> scores = compute_scores(v, base, p);
    const Mat<float> kept = scores;
    for (const char* spec : {"exp", "relu", "softplus", "sigmoid", "entmax15", "sparsemax", "sinkhorn:3"}) {
      for (Mask mask : {Mask::None, Mask::Causal}) {
        AttentionSpec a = base;
        a.method = parse_method(spec);
        a.mask = mask;
        weights_from_scores_into(scores, a.method, a.mask, a.subtract_max, out);
        const Weights<float> direct = compute_weights(v, a, p);
        EXPECT_TRUE(test::same_bits(out.matrix, direct.matrix)) << spec << " " << score_kind_name(kind);
        EXPECT_EQ(out.rows, direct.rows) << spec;
      }
    }
    EXPECT_TRUE(test::same_bits(scores, kept));  // the shared scores are left as they were
  }
}

TEST(Properties, OneQueryRowEqualsThatRowOfTheWholeComputation) {
  Vectors<double> v;
  v.queries = random_matrix<double>(200, 8, 31);
  v.keys = random_matrix<double>(150, 8, 32);
  Perturbation p;
  p.shift = -0.7;
  p.score_noise_rms = 0.25;
  p.global_rms = 0.1;
  p.local_rms = 0.3;
  p.noise_target = NoiseTarget::Both;
  p.seed = 9;
  p.draw = 4;
  for (const char* spec : {"exp", "relu", "sparsemax", "entmax15", "custom:exp(2*z)"}) {
    AttentionSpec a;
    a.score = ScoreKind::ScaledDot;
    a.method = parse_method(spec);
    a.mask = Mask::Causal;
    const Mat<double> scores = compute_scores(v, a, p);
    const Weights<double> whole = compute_weights(v, a, p);
    for (Index i : {Index(0), Index(17), Index(149), Index(199)}) {
      const QueryRow<double> row = compute_query_row(v, a, p, i);
      EXPECT_TRUE(test::same_bits(Mat<double>(row.scores.transpose()), Mat<double>(scores.row(i))))
          << spec << " row " << i;
      EXPECT_TRUE(test::same_bits(Mat<double>(row.weights.transpose()), Mat<double>(whole.matrix.row(i))))
          << spec << " row " << i;
      EXPECT_EQ(row.status, whole.rows[static_cast<std::size_t>(i)]);
    }
  }
  AttentionSpec sinkhorn;
  sinkhorn.method = parse_method("sinkhorn:3");
  EXPECT_THROW(compute_query_row(v, sinkhorn, {}, 0), UsageError);  // needs every row
  EXPECT_THROW(compute_query_row(v, AttentionSpec{}, {}, 200), UsageError);
}

// Inputs spanning several panels of keys (the product packs 32 or 64 keys a panel): fewer keys
// than queries, more keys than queries, and self-attention.
template <class T>
std::vector<Vectors<T>> several_panel_inputs() {
  std::vector<Vectors<T>> inputs(3);
  inputs[0].queries = random_matrix<T>(300, 24, 41);
  inputs[0].keys = random_matrix<T>(257, 24, 42);
  inputs[1].queries = random_matrix<T>(200, 24, 43);
  inputs[1].keys = random_matrix<T>(520, 24, 44);
  inputs[2].queries = random_matrix<T>(260, 24, 45);
  return inputs;
}

Perturbation every_score_perturbation(Index n, Index m) {
  Perturbation p;
  p.shift = 0.4;
  p.score_noise_rms = 0.2;
  p.global_rms = 0.1;
  p.local_rms = 0.2;
  p.seed = 17;
  p.row_shifts.assign(static_cast<std::size_t>(n), 0.0);
  p.column_shifts.assign(static_cast<std::size_t>(m), 0.0);
  for (Index i = 0; i < n; ++i) p.row_shifts[static_cast<std::size_t>(i)] = 0.01 * static_cast<double>(i % 7);
  for (Index j = 0; j < m; ++j) p.column_shifts[static_cast<std::size_t>(j)] = -0.02 * static_cast<double>(j % 5);
  return p;
}

// Causal skipping: the keys above the diagonal are never scored (their scores are -inf, the
// additive mask's value), and every score the mask leaves is the unmasked computation's, bit for
// bit, whatever the score and perturbation.
template <class T>
void expect_causal_scores_skip_the_masked_keys() {
  for (const Vectors<T>& v : several_panel_inputs<T>()) {
    const Index n = v.queries.rows(), m = v.key_vectors().rows();
    for (const Perturbation& p : {Perturbation{}, every_score_perturbation(n, m)}) {
      for (ScoreKind kind : all_score_kinds()) {
        SCOPED_TRACE(testing::Message() << n << " x " << m << " " << score_kind_name(kind) << " shift " << p.shift);
        AttentionSpec spec;
        spec.score = kind;
        spec.alpha = 0.9;
        const Mat<T> unmasked = compute_scores(v, spec, p);
        spec.mask = Mask::Causal;
        const Mat<T> causal = compute_scores(v, spec, p);
        Mat<T> expected = unmasked;
        for (Index i = 0; i < n; ++i) {
          for (Index j = i + 1; j < m; ++j) expected(i, j) = -std::numeric_limits<T>::infinity();
        }
        EXPECT_TRUE(test::same_bits(causal, expected));
      }
    }
  }
}

TEST(Properties, CausalScoresAboveTheDiagonalAreNeverComputed) {
  expect_causal_scores_skip_the_masked_keys<float>();
  expect_causal_scores_skip_the_masked_keys<double>();
}

// Every path that skips the masked keys gives the weights of the method applied to the unmasked
// scores under the mask (what the engine computed before it skipped them), bit for bit: the
// fused weights, the weights from shared (causal) scores, and one query's row.
template <class T>
void expect_causal_weights_as_from_every_score() {
  for (const Vectors<T>& v : several_panel_inputs<T>()) {
    const Index n = v.queries.rows(), m = v.key_vectors().rows();
    const Perturbation p = every_score_perturbation(n, m);
    for (ScoreKind kind : {ScoreKind::ScaledDot, ScoreKind::NegSqDist}) {
      AttentionSpec spec;
      spec.score = kind;
      spec.alpha = 0.9;
      const Mat<T> every_score = compute_scores(v, spec, p);
      spec.mask = Mask::Causal;
      const Mat<T> causal_scores = compute_scores(v, spec, p);
      for (const char* method : kAllMethods) {
        SCOPED_TRACE(testing::Message() << n << " x " << m << " " << score_kind_name(kind) << " " << method);
        spec.method = parse_method(method);
        const Weights<T> reference = weights_from_scores(every_score, spec.method, Mask::Causal);
        const Weights<T> fused = compute_weights(v, spec, p);
        EXPECT_TRUE(test::same_bits(fused.matrix, reference.matrix));
        EXPECT_EQ(fused.rows, reference.rows);
        Weights<T> shared;
        weights_from_scores_into(causal_scores, spec.method, Mask::Causal, true, shared);
        EXPECT_TRUE(test::same_bits(shared.matrix, reference.matrix));
        if (!spec.method.is_row_wise()) continue;
        for (Index i : {Index(0), Index(63), Index(64), Index(150), n - 1}) {
          const QueryRow<T> row = compute_query_row(v, spec, p, i);
          EXPECT_TRUE(test::same_bits(Mat<T>(row.weights.transpose()), Mat<T>(reference.matrix.row(i)))) << i;
          EXPECT_TRUE(test::same_bits(Mat<T>(row.scores.transpose()), Mat<T>(causal_scores.row(i)))) << i;
        }
      }
    }
  }
}

TEST(Properties, CausalWeightsSkippingTheMaskedKeysEqualTheMethodOnEveryScore) {
  expect_causal_weights_as_from_every_score<float>();
  expect_causal_weights_as_from_every_score<double>();
}

TEST(Properties, FewKeysOfHighDimensionScoreAsPlainDotProducts) {
  // Fewer keys than half a panel are kept unpacked: the scores must still be the dot products.
  Vectors<double> v;
  v.queries = random_matrix<double>(9, 1000, 6);
  v.keys = random_matrix<double>(3, 1000, 7);
  const Mat<double> s = compute_scores(v, ScoreKind::Dot, 0.5);
  const Mat<double> expected = 0.5 * v.queries * v.keys->transpose();
  EXPECT_LT((s - expected).cwiseAbs().maxCoeff(), 1e-9);
  const Weights<double> w = compute_weights(v, AttentionSpec{ScoreKind::Dot, 0.5});
  EXPECT_TRUE(test::same_bits(w.matrix, weights_from_scores(s, parse_method("exp")).matrix));
}

TEST(Properties, ResultsDoNotDependOnTheThreadCount) {
  Vectors<float> v;
  v.queries = random_matrix<float>(300, 16, 3);
  Perturbation p;
  p.global_rms = 0.3;
  p.local_rms = 0.2;
  p.score_noise_rms = 0.1;
  p.seed = 5;
  p.draw = 2;
  for (Mask mask : {Mask::None, Mask::Causal}) {
    AttentionSpec spec;
    spec.mask = mask;
    set_thread_count(1);
    const auto one = compute_weights(v, spec, p);
    set_thread_count(2);
    const auto two = compute_weights(v, spec, p);
    set_thread_count(7);
    const auto seven = compute_weights(v, spec, p);
    set_thread_count(0);
    EXPECT_TRUE(test::same_bits(one.matrix, two.matrix));
    EXPECT_TRUE(test::same_bits(one.matrix, seven.matrix));
  }
}

}  // namespace
}  // namespace attn
