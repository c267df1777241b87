// Pooled overviews: each pixel summarises exactly its block, and the streamed overview (from
// queries and keys, without W) equals the dense overview of compute_weights' W.
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/parallel.hpp"
#include "attn/overview/overview.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

using test::random_matrix;

// A brute-force reference for one pixel: the block's cells in row-major order.
struct BlockSummary {
  double peak = std::numeric_limits<double>::quiet_NaN();
  double mean = std::numeric_limits<double>::quiet_NaN();
  Index row = -1, col = -1, undefined = 0;
};

BlockSummary summarise(const MatD& values, const std::vector<bool>& defined, Index i0, Index i1, Index j0, Index j1,
                       CellValue cell) {
  BlockSummary s;
  double best = -1.0, sum = 0.0;
  Index count = 0;
  for (Index i = i0; i < i1; ++i) {
    if (!defined[static_cast<std::size_t>(i)]) {
      s.undefined += j1 - j0;
      continue;
    }
    for (Index j = j0; j < j1; ++j) {
      const double v = values(i, j);
      const double key = cell == CellValue::Weight ? v : std::abs(v);
      sum += cell == CellValue::AbsDifference ? std::abs(v) : v;
      ++count;
      if (key > best) {
        best = key;
        s.peak = cell == CellValue::SignedDifference ? v : key;
        s.row = i;
        s.col = j;
      }
    }
  }
  if (count > 0) s.mean = sum / static_cast<double>(count);
  return s;
}

void expect_matches_reference(const Overview& o, const MatD& values, const std::vector<bool>& defined) {
  for (Index r = 0; r < o.pixel_rows; ++r) {
    for (Index c = 0; c < o.pixel_cols; ++c) {
      // The block of the documented formula, computed here independently of the engine's.
      const Index n = o.window.rows(), m = o.window.cols();
      const Index i0 = o.window.row_begin + r * n / o.pixel_rows, i1 = o.window.row_begin + (r + 1) * n / o.pixel_rows;
      const Index j0 = o.window.col_begin + c * m / o.pixel_cols, j1 = o.window.col_begin + (c + 1) * m / o.pixel_cols;
      const BlockSummary ref = summarise(values, defined, i0, i1, j0, j1, o.cell);
      const auto p = static_cast<std::size_t>(o.pixel(r, c));
      SCOPED_TRACE(testing::Message() << "pixel " << r << "," << c);
      EXPECT_EQ(o.undefined[p], ref.undefined);
      if (std::isnan(ref.peak)) {
        EXPECT_TRUE(std::isnan(o.peak[p]));
        EXPECT_TRUE(std::isnan(o.mean[p]));
        EXPECT_EQ(o.peak_row[p], -1);
        continue;
      }
      EXPECT_FLOAT_EQ(o.peak[p], static_cast<float>(ref.peak));
      EXPECT_NEAR(o.mean[p], ref.mean, 1e-6 * std::max(1.0, std::abs(ref.mean)));
      EXPECT_EQ(o.peak_row[p], ref.row);
      EXPECT_EQ(o.peak_col[p], ref.col);
    }
  }
}

Weights<double> weights_with_undefined_rows(Index n, Index m, std::uint64_t seed) {
  // relu of scores that are all negative in rows 3 and 4: those rows are 0/0.
  MatD s = random_matrix<double>(n, m, seed, 1.0, 0.5);
  s.row(3).array() = -1.0 - s.row(3).array().abs();
  s.row(4).array() = -2.0;
  return test::weights_of(s, "relu", Mask::Causal);
}

std::vector<bool> defined_rows(const Weights<double>& w) {
  std::vector<bool> out;
  for (Index i = 0; i < w.matrix.rows(); ++i) out.push_back(w.defined(i));
  return out;
}

TEST(Overview, BlocksFollowTheDocumentedFormula) {
  OverviewRequest request;
  request.pixel_rows = 7;
  request.pixel_cols = 5;
  const Weights<double> w = test::weights_of(random_matrix<double>(23, 17, 3), "exp");
  const Overview o = overview_of(w, request);
  ASSERT_EQ(o.pixel_rows, 7);
  ASSERT_EQ(o.pixel_cols, 5);
  EXPECT_EQ(o.block_rows(0), std::make_pair(Index(0), Index(3)));    // floor(23/7) = 3
  EXPECT_EQ(o.block_rows(6), std::make_pair(Index(19), Index(23)));  // floor(6*23/7) = 19
  EXPECT_EQ(o.block_cols(4), std::make_pair(Index(13), Index(17)));  // floor(4*17/5) = 13
  Index cells = 0;
  for (Index r = 0; r < o.pixel_rows; ++r) {
    for (Index c = 0; c < o.pixel_cols; ++c) cells += o.block_cells(r, c);
  }
  EXPECT_EQ(cells, 23 * 17);  // the blocks tile the matrix
}

TEST(Overview, NeverMorePixelsThanCells) {
  OverviewRequest request;
  request.pixel_rows = 100;
  request.pixel_cols = 3;
  const Overview o = overview_of(test::weights_of(random_matrix<double>(9, 11, 1), "exp"), request);
  EXPECT_EQ(o.pixel_rows, 9);
  EXPECT_EQ(o.pixel_cols, 3);
  EXPECT_EQ(o.peak.size(), 27u);
}

TEST(Overview, DenseEqualsBruteForceWithUnevenBlocksMaskAndUndefinedRows) {
  const Weights<double> w = weights_with_undefined_rows(37, 29, 7);
  ASSERT_FALSE(w.defined(3));
  ASSERT_FALSE(w.defined(4));
  for (auto [pr, pc] : {std::pair<Index, Index>{5, 7}, {37, 29}, {1, 1}, {10, 3}}) {
    OverviewRequest request;
    request.pixel_rows = pr;
    request.pixel_cols = pc;
    SCOPED_TRACE(testing::Message() << pr << " x " << pc << " pixels");
    const Overview o = overview_of(w, request);
    expect_matches_reference(o, w.matrix, defined_rows(w));
    EXPECT_EQ(o.undefined_rows(), 2);
  }
}

TEST(Overview, WindowCoversOnlyItsCells) {
  const Weights<double> w = weights_with_undefined_rows(40, 33, 11);
  OverviewRequest request;
  request.window = CellWindow{2, 19, 5, 30};
  request.pixel_rows = 4;
  request.pixel_cols = 6;
  const Overview o = overview_of(w, request);
  EXPECT_EQ(o.block_rows(0).first, 2);
  EXPECT_EQ(o.block_cols(5).second, 30);
  expect_matches_reference(o, w.matrix, defined_rows(w));
  ASSERT_EQ(o.column_sums.size(), 25u);
  for (Index j = 5; j < 30; ++j) {
    double sum = 0.0;
    for (Index i = 2; i < 19; ++i) {
      if (w.defined(i)) sum += w.matrix(i, j);
    }
    EXPECT_NEAR(o.column_sums[static_cast<std::size_t>(j - 5)], sum, 1e-12) << "key " << j;
  }
}

TEST(Overview, ASinkColumnAndASinglePeakSurviveMaxPooling) {
  // 0.5 in every row of key 1234 and one isolated peak: one sampled cell per pixel would miss
  // both; the max of each block keeps them.
  const Index n = 4096;
  MatF values = MatF::Constant(n, n, 0.5f / static_cast<float>(n - 1));
  values.col(1234).setConstant(0.5f);
  values(3000, 77) = 0.9f;
  Weights<float> w;
  w.matrix = values;
  w.rows.assign(n, RowStatus::Defined);
  OverviewRequest request;
  request.pixel_rows = request.pixel_cols = 600;
  const Overview o = overview_of(w, request);
  Index sink_column = -1;
  for (Index c = 0; c < o.pixel_cols; ++c) {
    const auto [j0, j1] = o.block_cols(c);
    if (j0 <= 1234 && 1234 < j1) sink_column = c;
  }
  ASSERT_GE(sink_column, 0);
  for (Index r = 0; r < o.pixel_rows; ++r) {
    const auto p = static_cast<std::size_t>(o.pixel(r, sink_column));
    if (o.peak_row[p] == 3000) continue;
    EXPECT_FLOAT_EQ(o.peak[p], 0.5f) << "pixel row " << r;
    EXPECT_EQ(o.peak_col[p], 1234);
  }
  const auto top = std::max_element(o.peak.begin(), o.peak.end()) - o.peak.begin();
  EXPECT_FLOAT_EQ(o.peak[static_cast<std::size_t>(top)], 0.9f);
  EXPECT_EQ(o.peak_row[static_cast<std::size_t>(top)], 3000);
  EXPECT_EQ(o.peak_col[static_cast<std::size_t>(top)], 77);
}

TEST(Overview, DifferenceViewsPoolMagnitudesAndKeepTheSign) {
  const Weights<double> clean = test::weights_of(random_matrix<double>(21, 19, 5), "relu");
  const Weights<double> perturbed = test::weights_of(random_matrix<double>(21, 19, 6), "relu");
  MatD difference = perturbed.matrix - clean.matrix;
  std::vector<bool> defined;
  for (Index i = 0; i < 21; ++i) defined.push_back(clean.defined(i) && perturbed.defined(i));
  for (CellValue cell : {CellValue::AbsDifference, CellValue::SignedDifference}) {
    OverviewRequest request;
    request.pixel_rows = 4;
    request.pixel_cols = 6;
    request.cell = cell;
    const Overview o = difference_overview(clean, perturbed, request);
    EXPECT_TRUE(o.column_sums.empty());
    expect_matches_reference(o, difference, defined);
  }
  OverviewRequest request;
  request.cell = CellValue::SignedDifference;
  const Overview o = difference_overview(clean, perturbed, request);
  bool negative_peak = false;
  for (float v : o.peak) negative_peak = negative_peak || v < 0.0f;
  EXPECT_TRUE(negative_peak);  // the signed view shows decreases, not only magnitudes
}

TEST(Overview, BadRequestsAreRefusedWithReasons) {
  const Weights<double> w = test::weights_of(random_matrix<double>(8, 8, 1), "exp");
  OverviewRequest request;
  request.window = CellWindow{0, 9, 0, 8};
  EXPECT_THROW(overview_of(w, request), InputError);
  request.window = CellWindow{4, 4, 0, 8};
  EXPECT_THROW(overview_of(w, request), InputError);
  request.window.reset();
  request.pixel_rows = 0;
  EXPECT_THROW(overview_of(w, request), InputError);
  const Weights<double> other = test::weights_of(random_matrix<double>(8, 9, 1), "exp");
  request.pixel_rows = 4;
  request.cell = CellValue::AbsDifference;
  EXPECT_THROW(difference_overview(w, other, request), InputError);
  EXPECT_THROW(parse_pool_reduction("median"), UsageError);
}

// ---- Streaming ----

void expect_same_overview(const Overview& a, const Overview& b) {
  ASSERT_EQ(a.pixel_rows, b.pixel_rows);
  ASSERT_EQ(a.pixel_cols, b.pixel_cols);
  for (std::size_t p = 0; p < a.peak.size(); ++p) {
    SCOPED_TRACE(testing::Message() << "pixel " << p);
    ASSERT_EQ(std::isnan(a.peak[p]), std::isnan(b.peak[p]));
    if (!std::isnan(a.peak[p])) {
      ASSERT_EQ(a.peak[p], b.peak[p]);
      ASSERT_EQ(a.mean[p], b.mean[p]);
    }
    ASSERT_EQ(a.peak_row[p], b.peak_row[p]);
    ASSERT_EQ(a.peak_col[p], b.peak_col[p]);
    ASSERT_EQ(a.undefined[p], b.undefined[p]);
  }
  EXPECT_EQ(a.column_sums, b.column_sums);
  EXPECT_EQ(a.rows, b.rows);
}

// The streamed overview against the dense one. The row kernels are the same, but Eigen evaluates
// the unaligned head of a row with scalar functions and the rest with vectorised ones (softplus,
// sigmoid: log and exp), so a row held at another address may differ in the last bit. Values
// must agree to float rounding, and a different peak cell is allowed only for a tie to that
// precision in W.
template <class T>
void expect_equivalent_overview(const Overview& a, const Overview& b, const Mat<T>& w) {
  ASSERT_EQ(a.pixel_rows, b.pixel_rows);
  ASSERT_EQ(a.pixel_cols, b.pixel_cols);
  auto close = [](double x, double y) { return std::abs(x - y) <= 2e-6 * std::max(std::abs(x), 1e-3); };
  for (std::size_t p = 0; p < a.peak.size(); ++p) {
    SCOPED_TRACE(testing::Message() << "pixel " << p);
    ASSERT_EQ(a.undefined[p], b.undefined[p]);
    ASSERT_EQ(std::isnan(a.peak[p]), std::isnan(b.peak[p]));
    if (std::isnan(a.peak[p])) continue;
    ASSERT_TRUE(close(a.peak[p], b.peak[p])) << a.peak[p] << " vs " << b.peak[p];
    ASSERT_TRUE(close(a.mean[p], b.mean[p])) << a.mean[p] << " vs " << b.mean[p];
    if (a.peak_row[p] != b.peak_row[p] || a.peak_col[p] != b.peak_col[p]) {
      ASSERT_TRUE(close(w(a.peak_row[p], a.peak_col[p]), w(b.peak_row[p], b.peak_col[p])));
    }
  }
  ASSERT_EQ(a.column_sums.size(), b.column_sums.size());
  for (std::size_t j = 0; j < a.column_sums.size(); ++j) ASSERT_TRUE(close(a.column_sums[j], b.column_sums[j]));
  EXPECT_EQ(a.rows, b.rows);
}

const char* const kAllMethods[] = {"exp",
                                   "relu",
                                   "power:2",
                                   "linear",
                                   "softplus",
                                   "sigmoid",
                                   "exp-plus:1",
                                   "custom:exp(2*z)",
                                   "sparsemax",
                                   "entmax15",
                                   "sinkhorn:3",
                                   "doubly-normalized",
                                   "sigmoid-attn",
                                   "sigmoid-attn:0",
                                   "softmax1",
                                   "softpick",
                                   "stick-breaking",
                                   "ssmax:0.5",
                                   "linear-attn",
                                   "performer:64:3"};

TEST(StreamOverview, EqualsTheDenseOverviewForEveryMethod) {
  Vectors<float> v;
  v.queries = random_matrix<float>(150, 12, 21);
  v.keys = random_matrix<float>(133, 12, 22);
  for (const char* spec : kAllMethods) {
    for (Mask mask : {Mask::None, Mask::Causal}) {
      SCOPED_TRACE(testing::Message() << spec << " mask " << mask_name(mask));
      AttentionSpec attention;
      attention.method = parse_method(spec);
      if (attention.method.needs_causal_mask() && mask != Mask::Causal) continue;  // refused (test_beyond_softmax)
      attention.mask = mask;
      attention.alpha = 0.7;
      OverviewRequest request;
      request.pixel_rows = 31;
      request.pixel_cols = 17;
      const Weights<float> w = compute_weights(v, attention);
      expect_equivalent_overview(stream_overview(v, attention, Perturbation{}, request), overview_of(w, request),
                                 w.matrix);
    }
  }
}

TEST(StreamOverview, EqualsTheDenseOverviewWithPerturbationsWindowsAndDifferences) {
  Vectors<double> v;
  v.queries = random_matrix<double>(97, 8, 31);
  v.keys = random_matrix<double>(83, 8, 32);
  Perturbation p;
  p.shift = 0.8;
  p.global_rms = 0.3;
  p.local_rms = 0.1;
  p.score_noise_rms = 0.05;
  p.seed = 9;
  // relu: the first rows see few keys, some all negative (undefined rows).
  for (const char* spec : {"relu", "softmax1", "stick-breaking", "performer:32"}) {
    SCOPED_TRACE(spec);
    AttentionSpec attention;
    attention.score = ScoreKind::Dot;
    attention.method = parse_method(spec);
    attention.mask = Mask::Causal;
    const Weights<double> clean = compute_weights(v, attention);
    const Weights<double> perturbed = compute_weights(v, attention, p);
    if (attention.method.kind == MethodKind::Relu) {
      ASSERT_GT(clean.undefined_count(), 0);
    }
    for (CellValue cell : {CellValue::Weight, CellValue::AbsDifference, CellValue::SignedDifference}) {
      OverviewRequest request;
      request.window = CellWindow{5, 90, 3, 71};
      request.pixel_rows = 13;
      request.pixel_cols = 9;
      request.cell = cell;
      SCOPED_TRACE(static_cast<int>(cell));
      const MatD difference = (perturbed.matrix - clean.matrix).cwiseAbs();
      expect_equivalent_overview(stream_overview(v, attention, p, request),
                                 difference_overview(clean, perturbed, request), difference);
    }
  }
}

// Several panels of keys under the causal mask: the streamed rows skip the panels above the
// diagonal and pool the pixels past a row's last key without reading them.
TEST(StreamOverview, CausalOverviewOfSeveralPanelsEqualsTheDenseOne) {
  Vectors<float> v;
  v.queries = random_matrix<float>(300, 12, 23);
  v.keys = random_matrix<float>(280, 12, 24);
  Perturbation p;
  p.shift = 0.6;
  p.score_noise_rms = 0.1;
  for (const char* spec : {"exp", "relu", "softplus", "sparsemax", "entmax15"}) {
    AttentionSpec attention;
    attention.method = parse_method(spec);
    attention.mask = Mask::Causal;
    const Weights<float> clean = compute_weights(v, attention);
    const Weights<float> perturbed = compute_weights(v, attention, p);
    for (CellValue cell : {CellValue::Weight, CellValue::SignedDifference}) {
      for (const std::optional<CellWindow>& window :
           {std::optional<CellWindow>{}, std::optional(CellWindow{40, 290, 70, 260})}) {
        SCOPED_TRACE(testing::Message() << spec << " cell " << static_cast<int>(cell) << " window "
                                        << window.has_value());
        OverviewRequest request;
        request.window = window;
        request.pixel_rows = 37;
        request.pixel_cols = 23;
        request.cell = cell;
        const MatF difference = perturbed.matrix - clean.matrix;
        expect_equivalent_overview(stream_overview(v, attention, p, request),
                                   difference_overview(clean, perturbed, request),
                                   cell == CellValue::Weight ? perturbed.matrix : difference);
      }
    }
  }
}

TEST(StreamOverview, SameResultOnAnyThreadCount) {
  Vectors<float> v;
  v.queries = random_matrix<float>(300, 16, 41);
  for (Mask mask : {Mask::None, Mask::Causal}) {
    AttentionSpec attention;
    attention.mask = mask;
    OverviewRequest request;
    request.pixel_rows = 37;
    request.pixel_cols = 41;
    set_thread_count(1);
    const Overview one = stream_overview(v, attention, Perturbation{}, request);
    set_thread_count(3);
    const Overview three = stream_overview(v, attention, Perturbation{}, request);
    set_thread_count(0);
    expect_same_overview(one, three);
  }
}

// The progressive picture: bands of pixel rows arrive top to bottom, each final when it arrives,
// and the finished overview is the one computed in one go.
TEST(StreamOverview, PartialPicturesArriveTopDownAndTheEndIsTheSame) {
  Vectors<float> v;
  v.queries = random_matrix<float>(500, 8, 43);
  AttentionSpec attention;
  attention.method = parse_method("softplus");
  attention.mask = Mask::Causal;
  Perturbation p;
  p.shift = 0.5;
  p.score_noise_rms = 0.2;
  OverviewRequest request;
  request.pixel_rows = 53;
  request.pixel_cols = 29;
  const Overview whole = stream_overview(v, attention, p, request);
  std::vector<Overview> seen;
  std::vector<Index> done;
  const Overview progressive =
      stream_overview(v, attention, p, request, {}, [&](const Overview& so_far, Index rows_done) {
        seen.push_back(so_far);
        done.push_back(rows_done);
      });
  expect_same_overview(whole, progressive);
  ASSERT_GE(done.size(), 4u);
  EXPECT_EQ(done.back(), whole.pixel_rows);
  for (std::size_t k = 0; k < done.size(); ++k) {
    if (k > 0) {
      EXPECT_GT(done[k], done[k - 1]);
    }
    const auto pixels = static_cast<std::size_t>(done[k] * whole.pixel_cols);
    const Overview& o = seen[k];
    for (std::size_t q = 0; q < pixels; ++q) {  // the rows done are final
      EXPECT_TRUE(o.peak[q] == whole.peak[q] || (std::isnan(o.peak[q]) && std::isnan(whole.peak[q]))) << k << " " << q;
      EXPECT_EQ(o.peak_col[q], whole.peak_col[q]);
    }
    for (std::size_t q = pixels; q < o.peak.size(); ++q) EXPECT_EQ(o.peak_row[q], -1);  // the rest is empty
  }
}

TEST(StreamOverview, ReportsProgressAndStopsWhenCancelled) {
  Vectors<float> v;
  v.queries = random_matrix<float>(500, 8, 51);
  OverviewRequest request;
  request.pixel_rows = request.pixel_cols = 64;
  int last_done = 0, last_total = 0;
  ProgressReporter progress;
  progress.on_progress = [&](int done, int total) {
    EXPECT_GT(done, last_done);
    last_done = done;
    last_total = total;
  };
  (void)stream_overview(v, AttentionSpec{}, Perturbation{}, request, progress);
  EXPECT_EQ(last_total, 500);
  EXPECT_EQ(last_done, 500);

  std::atomic<bool> cancel{false};
  progress.cancel = &cancel;
  progress.on_progress = [&](int, int) { cancel = true; };
  EXPECT_THROW(stream_overview(v, AttentionSpec{}, Perturbation{}, request, progress), Cancelled);
}

TEST(StreamOverview, ColumnNormalisedMethodsBeyondTheDenseLimitAreRefusedWithTheReason) {
  // 16385 x 16385 > 2^28 elements: Sinkhorn would need the whole matrix.
  Vectors<float> v;
  v.queries = random_matrix<float>(16385, 1, 61);
  AttentionSpec attention;
  attention.method = parse_method("sinkhorn:3");
  try {
    (void)stream_overview(v, attention, Perturbation{}, OverviewRequest{});
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("columns"), std::string::npos) << message;
    EXPECT_NE(message.find("16385 x 16385"), std::string::npos) << message;
  }
}

TEST(StreamOverview, RequestsBeyondTheMemoryBudgetAreRefusedBeforeAllocating) {
  // 131072 tokens fit the default budget of a machine with a few GiB; the estimate grows with
  // the keys and the pixels, and a lowered budget refuses the request with its shape and bytes.
  const std::uint64_t small = stream_overview_bytes(4096, 4096, 64, sizeof(float), OverviewRequest{});
  const std::uint64_t large = stream_overview_bytes(131072, 131072, 64, sizeof(float), OverviewRequest{});
  EXPECT_GT(large, small);
  EXPECT_LT(large, std::uint64_t(1) << 30);
  Vectors<float> v;
  v.queries = random_matrix<float>(4096, 64, 71);
  set_memory_budget(small / 2);
  try {
    (void)stream_overview(v, AttentionSpec{}, Perturbation{}, OverviewRequest{});
    set_memory_budget(0);
    FAIL() << "no error";
  } catch (const InputError& e) {
    set_memory_budget(0);
    const std::string message = e.what();
    EXPECT_NE(message.find("4096 queries x 4096 keys"), std::string::npos) << message;
    EXPECT_NE(message.find("bytes"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace attn
