// The methods after softmax under a model's own mask (MaskArrays) and the causal rule: blocked keys
// get exact zeros and the method runs over the open keys in their order; sigmoid attention's
// default bias -log n takes n = #keys whatever the mask; feature maps refuse an additive bias.
#include <cmath>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/overview/overview.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::random_matrix;

std::shared_ptr<MaskArrays> random_blocks(Index n, Index m, std::uint64_t seed) {
  auto a = std::make_shared<MaskArrays>();
  a->queries = n;
  a->keys = m;
  a->blocked.resize(static_cast<std::size_t>(n * m));
  Rng rng(seed);
  for (auto& b : a->blocked) b = rng.uniform() < 0.3 ? 1 : 0;
  return a;
}

std::shared_ptr<MaskArrays> causal_pattern(Index n) {
  auto a = std::make_shared<MaskArrays>();
  a->queries = a->keys = n;
  a->blocked.assign(static_cast<std::size_t>(n * n), 0);
  for (Index i = 0; i < n; ++i) {
    for (Index j = i + 1; j < n; ++j) a->blocked[static_cast<std::size_t>(i * n + j)] = 1;
  }
  return a;
}

const char* const kRowMethods[] = {"sigmoid-attn", "sigmoid-attn:-1", "softmax1", "softpick", "ssmax:0.5"};

TEST(BeyondSoftmaxMasks, ACausalPatternGivesTheCausalRuleBitForBit) {
  Vectors<float> v;
  v.queries = random_matrix<float>(37, 8, 1);
  for (const char* spec :
       {"sigmoid-attn", "sigmoid-attn:-1", "softmax1", "softpick", "ssmax:0.5", "linear-attn", "performer:16"}) {
    SCOPED_TRACE(spec);
    AttentionSpec rule;
    rule.method = parse_method(spec);
    rule.mask = Mask::Causal;
    AttentionSpec arrays = rule;
    arrays.mask = Mask::None;
    arrays.mask_arrays = causal_pattern(37);
    EXPECT_TRUE(test::same_bits(compute_weights(v, rule).matrix, compute_weights(v, arrays).matrix));
  }
}

TEST(BeyondSoftmaxMasks, SigmoidAttentionsBiasIsMinusLogOfTheKeysWhateverIsBlocked) {
  MatD s = random_matrix<double>(6, 10, 2);
  const auto a = random_blocks(6, 10, 3);
  Weights<double> w;
  weights_from_scores_into(s, parse_method("sigmoid-attn"), Mask::None, true, w, a.get());
  for (Index i = 0; i < 6; ++i) {
    for (Index j = 0; j < 10; ++j) {
      const double want = a->blocks(i, j) ? 0.0 : 1.0 / (1.0 + std::exp(-(s(i, j) - std::log(10.0))));
      EXPECT_NEAR(w.matrix(i, j), want, 1e-15) << i << "," << j;
    }
  }
}

TEST(BeyondSoftmaxMasks, StickBreakingRunsOverTheOpenKeysInTheirOrder) {
  const Index n = 9;
  const MatD s = random_matrix<double>(n, n, 4, 2.0);
  const auto a = random_blocks(n, n, 5);
  Weights<double> w;
  weights_from_scores_into(s, parse_method("stick-breaking"), Mask::Causal, true, w, a.get());
  for (Index i = 0; i < n; ++i) {
    if (!w.defined(i)) {
      EXPECT_EQ(w.rows[static_cast<std::size_t>(i)], RowStatus::Masked);
      continue;
    }
    double stick = 1.0;  // Tan et al.: from the query's position backwards over the open keys
    for (Index j = n - 1; j >= 0; --j) {
      if (j > i || a->blocks(i, j)) {
        EXPECT_EQ(w.matrix(i, j), 0.0);
        continue;
      }
      const double beta = 1.0 / (1.0 + std::exp(-s(i, j)));
      EXPECT_NEAR(w.matrix(i, j), beta * stick, 1e-14) << i << "," << j;
      stick *= 1.0 - beta;
    }
  }
}

TEST(BeyondSoftmaxMasks, EveryPathAgreesUnderBlockedKeys) {
  Vectors<float> v;
  v.queries = random_matrix<float>(41, 8, 5);
  v.keys = random_matrix<float>(29, 8, 6);
  const auto a = random_blocks(41, 29, 7);
  a->bias.resize(41 * 29);
  Rng rng(8);
  for (auto& b : a->bias) b = rng.normal();
  Perturbation p;
  p.shift = 0.5;
  for (const char* spec : kRowMethods) {
    SCOPED_TRACE(spec);
    AttentionSpec s;
    s.method = parse_method(spec);
    s.mask_arrays = a;
    const Weights<float> direct = compute_weights(v, s, p);
    Weights<float> shared;
    weights_from_scores_into(compute_scores(v, s, p), s.method, s.mask, true, shared, a.get());
    EXPECT_TRUE(test::same_bits(direct.matrix, shared.matrix));
    const QueryRow<float> row = compute_query_row(v, s, p, 17);
    EXPECT_TRUE(test::same_bits(Mat<float>(row.weights.transpose()), Mat<float>(direct.matrix.row(17))));
    OverviewRequest request;
    request.pixel_rows = 41;
    request.pixel_cols = 29;
    const Overview streamed = stream_overview(v, s, p, request);
    for (Index i = 0; i < 41; ++i) {
      for (Index j = 0; j < 29; ++j) {
        const float got = streamed.peak[static_cast<std::size_t>(i * 29 + j)];
        if (a->blocks(i, j)) {
          EXPECT_EQ(got, 0.0f);
        }
        EXPECT_NEAR(got, direct.matrix(i, j), 2e-6 * std::max(1.0f, direct.matrix(i, j)));
      }
    }
  }
}

TEST(BeyondSoftmaxMasks, FeatureMapsTakeBlockedKeysAndRefuseABias) {
  Vectors<double> v;
  v.queries = random_matrix<double>(12, 5, 9);
  const auto a = random_blocks(12, 12, 10);
  for (const char* spec : {"linear-attn", "performer:32"}) {
    SCOPED_TRACE(spec);
    AttentionSpec s;
    s.method = parse_method(spec);
    AttentionSpec open = s;
    s.mask_arrays = a;
    const MatD blocked = compute_weights(v, s).matrix;
    const MatD all = compute_weights(v, open).matrix;
    for (Index i = 0; i < 12; ++i) {
      // The open keys keep their kernel values, renormalised over the open keys.
      double open_mass = 0.0;
      for (Index j = 0; j < 12; ++j) open_mass += a->blocks(i, j) ? 0.0 : all(i, j);
      for (Index j = 0; j < 12; ++j) {
        EXPECT_NEAR(blocked(i, j), a->blocks(i, j) ? 0.0 : all(i, j) / open_mass, 1e-13);
      }
    }
    a->bias.assign(144, 0.5);
    try {
      (void)compute_weights(v, s);
      ADD_FAILURE() << "a bias was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("additive bias"), std::string::npos) << e.what();
    }
    a->bias.clear();
  }
}

}  // namespace
}  // namespace attn
