// A model's own mask as data (issue 17, item 3: key padding, finite causal fills, additive biases):
// blocked entries and padded keys get exact zeros, the rest is the method over the open keys, and
// a bias joins the scores; every path (dense, into, from scores, one row, streamed) agrees.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/overview/overview.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::random_matrix;

std::shared_ptr<MaskArrays> causal_arrays(Index n, Index m) {
  auto a = std::make_shared<MaskArrays>();
  a->queries = n;
  a->keys = m;
  a->blocked.assign(static_cast<std::size_t>(n * m), 0);
  for (Index i = 0; i < n; ++i) {
    for (Index j = i + 1; j < m; ++j) a->blocked[static_cast<std::size_t>(i * m + j)] = 1;
  }
  return a;
}

// softmax of q.k/sqrt(d) + bias over the open keys, in long double: the recompute rule of the file format.
MatD reference_softmax(const MatD& q, const MatD& k, const MaskArrays& a, double alpha = 1.0) {
  const Index n = q.rows(), m = k.rows();
  MatD w = MatD::Zero(n, m);
  for (Index i = 0; i < n; ++i) {
    long double top = -std::numeric_limits<long double>::infinity(), sum = 0;
    std::vector<long double> s(static_cast<std::size_t>(m));
    for (Index j = 0; j < m; ++j) {
      const double bias = a.bias.empty() ? 0.0 : a.bias[static_cast<std::size_t>(i * m + j)];
      s[static_cast<std::size_t>(j)] = alpha * (q.row(i).dot(k.row(j)) / std::sqrt(double(q.cols())) + bias);
      if (!a.blocks(i, j)) top = std::max(top, s[static_cast<std::size_t>(j)]);
    }
    if (std::isinf(top)) {
      w.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    for (Index j = 0; j < m; ++j) {
      if (!a.blocks(i, j)) sum += std::exp(s[static_cast<std::size_t>(j)] - top);
    }
    for (Index j = 0; j < m; ++j) {
      if (!a.blocks(i, j)) w(i, j) = static_cast<double>(std::exp(s[static_cast<std::size_t>(j)] - top) / sum);
    }
  }
  return w;
}

const char* const kMethods[] = {"exp",    "relu",      "power:2",  "softplus",   "sigmoid",          "exp-plus:1",
                                "linear", "sparsemax", "entmax15", "sinkhorn:3", "doubly-normalized"};

TEST(MaskArrays, ACausalPatternGivesTheCausalRuleBitForBit) {
  Vectors<float> v;
  v.queries = random_matrix<float>(37, 8, 1);
  for (const char* method : kMethods) {
    SCOPED_TRACE(method);
    AttentionSpec rule;
    rule.method = parse_method(method);
    rule.mask = Mask::Causal;
    AttentionSpec arrays = rule;
    arrays.mask = Mask::None;
    arrays.mask_arrays = causal_arrays(37, 37);
    EXPECT_TRUE(test::same_bits(compute_weights(v, rule).matrix, compute_weights(v, arrays).matrix));
  }
}

TEST(MaskArrays, PaddedKeysAndABiasGiveTheModelsSoftmax) {
  Vectors<double> v;
  v.queries = random_matrix<double>(11, 6, 2);
  v.keys = random_matrix<double>(9, 6, 3);
  auto a = std::make_shared<MaskArrays>();
  a->queries = 11;
  a->keys = 9;
  a->padded = {0, 0, 0, 0, 0, 0, 0, 1, 1};
  a->bias.resize(99);
  for (std::size_t k = 0; k < a->bias.size(); ++k) a->bias[k] = -0.3 * double(k % 7);  // ALiBi-like
  AttentionSpec spec;
  spec.mask_arrays = a;
  spec.alpha = 1.0;
  const Weights<double> w = compute_weights(v, spec);
  EXPECT_LT(test::max_abs_diff(w.matrix, reference_softmax(v.queries, *v.keys, *a)), 1e-14);
  EXPECT_EQ(w.matrix.rightCols(2).cwiseAbs().maxCoeff(), 0.0);  // exact zeros, not tiny numbers
  EXPECT_EQ(w.undefined_count(), 0);
}

TEST(MaskArrays, ARowWithEveryKeyBlockedIsMaskedNotZero) {
  Vectors<float> v;
  v.queries = random_matrix<float>(6, 4, 4);
  auto a = causal_arrays(6, 6);
  a->padded = {1, 1, 0, 0, 0, 0};  // left padding plus causal: rows 0 and 1 see no key
  for (const char* method : kMethods) {
    SCOPED_TRACE(method);
    AttentionSpec spec;
    spec.method = parse_method(method);
    spec.mask_arrays = a;
    const Weights<float> w = compute_weights(v, spec);
    EXPECT_EQ(w.rows[0], RowStatus::Masked);
    EXPECT_EQ(w.rows[1], RowStatus::Masked);
    EXPECT_TRUE(w.matrix.topRows(2).array().isNaN().all());
    EXPECT_TRUE(w.defined(2));
    EXPECT_EQ(w.matrix(2, 2), 1.0f);  // the only open key of row 2
    EXPECT_EQ(row_status_name(RowStatus::Masked), "every key is masked");
  }
}

TEST(MaskArrays, EveryPathAgreesWithComputeWeights) {
  Vectors<float> v;
  v.queries = random_matrix<float>(41, 8, 5);
  v.keys = random_matrix<float>(29, 8, 6);
  auto a = std::make_shared<MaskArrays>();
  a->queries = 41;
  a->keys = 29;
  a->blocked.resize(41 * 29);
  a->bias.resize(41 * 29);
  Rng rng(7);
  for (std::size_t k = 0; k < a->blocked.size(); ++k) {
    a->blocked[k] = rng.uniform() < 0.3 ? 1 : 0;
    a->bias[k] = rng.normal();
  }
  Perturbation p;
  p.shift = 0.5;
  p.scale = 1.5;
  for (const char* method : kMethods) {
    SCOPED_TRACE(method);
    AttentionSpec spec;
    spec.method = parse_method(method);
    spec.alpha = 0.8;
    spec.mask_arrays = a;
    const Weights<float> direct = compute_weights(v, spec, p);
    Weights<float> shared;
    weights_from_scores_into(compute_scores(v, spec, p), spec.method, spec.mask, true, shared, a.get());
    EXPECT_TRUE(test::same_bits(direct.matrix, shared.matrix));
    if (spec.method.is_row_wise()) {
      const QueryRow<float> row = compute_query_row(v, spec, p, 17);
      EXPECT_TRUE(test::same_bits(Mat<float>(row.weights.transpose()), Mat<float>(direct.matrix.row(17))));
    }
    OverviewRequest request;
    request.pixel_rows = 41;
    request.pixel_cols = 29;
    const Overview streamed = stream_overview(v, spec, p, request);
    for (Index i = 0; i < 41; ++i) {
      for (Index j = 0; j < 29; ++j) {
        const float want = direct.matrix(i, j);
        const float got = streamed.peak[static_cast<std::size_t>(i * 29 + j)];
        if (std::isnan(want)) {
          EXPECT_TRUE(std::isnan(got));
        } else {
          EXPECT_NEAR(got, want, 2e-6 * std::max(1.0f, want));
        }
      }
    }
  }
}

TEST(MaskArrays, TheBiasScalesWithAlphaAndTheCommonScale) {
  Vectors<double> v;
  v.queries = random_matrix<double>(5, 3, 8);
  auto a = std::make_shared<MaskArrays>();
  a->queries = a->keys = 5;
  a->bias.assign(25, 0.0);
  a->bias[3] = 2.0;
  AttentionSpec spec;
  spec.alpha = 0.5;
  spec.mask_arrays = a;
  Perturbation p;
  p.scale = 3.0;
  AttentionSpec plain = spec;
  plain.mask_arrays.reset();
  const MatD with = compute_scores(v, spec, p), without = compute_scores(v, plain, p);
  EXPECT_NEAR(with(0, 3) - without(0, 3), 0.5 * 3.0 * 2.0, 1e-12);
  EXPECT_EQ(with(1, 3), without(1, 3));
}

TEST(MaskArrays, ExtentsThatDoNotMatchTheVectorsAreAnInputError) {
  Vectors<float> v;
  v.queries = random_matrix<float>(5, 3, 9);
  AttentionSpec spec;
  spec.mask_arrays = causal_arrays(4, 4);
  EXPECT_THROW(compute_weights(v, spec), InputError);
  EXPECT_THROW(compute_scores(v, spec), InputError);
  Weights<float> out;
  EXPECT_THROW(weights_from_scores_into(Mat<float>(Mat<float>::Zero(5, 5)), spec.method, Mask::None, true, out,
                                        spec.mask_arrays.get()),
               InputError);
}

}  // namespace
}  // namespace attn
