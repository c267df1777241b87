// Data loading (with fallback to the last good data) and the background compute and study services.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/io/npy.hpp"
#include "compute/compute_job.hpp"
#include "compute/compute_service.hpp"
#include "compute/heatmap_overviews.hpp"
#include "compute/loaded_data.hpp"
#include "compute/study_service.hpp"
#include "figures/noise_text.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

// A file in this run's own directory (removed at exit).
std::string temp_path(const std::string& name) {
  static const test::TempDir dir("ax_gui_data_");
  return dir.file(name);
}

TEST(LoadedData, GeneratedPointsAndFiles) {
  DataSettings s;
  s.n = 10;
  s.d = 3;
  auto generated = load_data(s);
  EXPECT_EQ(generated->queries.rows(), 10);
  EXPECT_FALSE(generated->weights_only);

  s.source = DataSource::Points2D;
  s.points = {{1, 2}, {3, 4}, {5, 6}};
  s.tokens = {"a", "b", "c"};
  auto points = load_data(s);
  EXPECT_EQ(points->queries(2, 1), 6.0);
  EXPECT_EQ(points->key_labels[1], "b");

  s.tokens = {"only", "two"};
  EXPECT_THROW(load_data(s), attn::InputError);

  // A matrix whose rows are distributions is shown as weights; a stack of them as heads.
  const std::string weights = temp_path("weights.npy");
  const std::vector<double> w = {0.5, 0.5, 0.0, 0.2, 0.3, 0.5, 0.9, 0.05, 0.05, 0.1, 0.1, 0.8};
  attn::write_npy(weights, w.data(), {2, 2, 3});
  DataSettings f;
  f.source = DataSource::File;
  f.vectors_path = weights;
  auto stack = load_data(f);
  EXPECT_TRUE(stack->weights_only);
  EXPECT_EQ(stack->weight_stack.size(), 2u);
  fs::remove(weights);
}

TEST(LoadedData, ABadFileKeepsTheCurrentDataAndSettings) {
  DataController controller;
  DataSettings s;
  s.n = 7;
  std::string error;
  ASSERT_TRUE(controller.update(s, error));
  EXPECT_TRUE(error.empty());
  const auto before = controller.data();

  DataSettings bad = s;
  bad.source = DataSource::File;
  bad.vectors_path = temp_path("does_not_exist.npy");
  controller.update(bad, error);
  EXPECT_NE(error.find("does_not_exist.npy"), std::string::npos) << error;
  EXPECT_EQ(controller.data(), before);          // the data stay
  EXPECT_EQ(bad.source, DataSource::Generated);  // and the settings go back to the ones that work
  EXPECT_EQ(bad.n, 7);
}

ComputeRequest request_for(const std::vector<std::string>& methods, double shift) {
  AppState state;
  state.data.n = 16;
  state.data.d = 4;
  state.attention.methods = methods;
  state.noise.shift = shift;
  DataController data;
  std::string error;
  data.update(state.data, error);
  return make_compute_request(state, data.data());
}

TEST(ComputeService, ComputesEveryMethodAndTheChart) {
  ComputeService service;
  service.submit(request_for({"exp", "relu", "custom:exp(", "sparsemax"}, 1.0));
  service.wait_until_idle();
  const auto result = service.result();
  ASSERT_TRUE(result);
  ASSERT_EQ(result->methods.size(), 4u);
  EXPECT_TRUE(result->perturbed);
  EXPECT_LT(result->methods[0].deviation.max_abs_diff, 1e-6);  // exp: float32 rounding only
  EXPECT_GT(result->methods[1].deviation.max_abs_diff, 1e-3);  // relu moves
  EXPECT_NE(result->methods[2].error.find("custom formula"), std::string::npos);
  EXPECT_FALSE(result->methods[3].ratio_form);
  EXPECT_TRUE(result->methods[3].curve.z.empty());
  EXPECT_EQ(result->methods[0].curve.z.size(), result->methods[0].curve.f.size());
  const auto chart = service.chart();
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->clean_generation, result->clean_generation);
  EXPECT_EQ(chart->curves.size(), 3u);  // the broken formula has no curve
  EXPECT_EQ(chart->shifts.size(), chart->curves[0].max_abs_diff.size());
}

// Issue 15: with vector noise on the keys only, the panel printed "expected shift M = 0.36"
// (s_g^2 d); the expected constant shift is 0 when only the queries or only the keys are noisy,
// and the diagonal of self-attention gets s_l^2 d more when both are.
TEST(ComputeService, TheExpectedShiftFollowsTheNoiseTarget) {
  for (const char* target : {"queries", "keys", "both"}) {
    ComputeRequest request = request_for({"exp"}, 0.0);
    request.noise.global_rms = 0.3;
    request.noise.local_rms = 0.1;
    request.noise.target = target;
    request.attention.score = "dot";
    ComputeService service;
    service.submit(request);
    service.wait_until_idle();
    const auto result = service.result();
    ASSERT_TRUE(result);
    const attn::ExpectedShift& e = result->expected_shift;
    const std::string text = expected_shift_text(e, request.noise, "dot", true, false);
    if (std::string(target) == "both") {
      EXPECT_NEAR(e.value, 0.3 * 0.3 * 4, 1e-12);
      EXPECT_NEAR(e.diagonal_extra, 0.1 * 0.1 * 4, 1e-12);
      EXPECT_NE(text.find("M = s_g^2 d = 0.36 off the diagonal"), std::string::npos) << text;
      EXPECT_NE(text.find("the diagonal gets s_l^2 d = 0.04 more"), std::string::npos) << text;
    } else {
      EXPECT_EQ(e.value, 0.0) << target;
      EXPECT_EQ(e.diagonal_extra, 0.0) << target;
      EXPECT_EQ(text.find("0.36"), std::string::npos) << text;
      EXPECT_NE(text.find(": 0: noise on the " + std::string(target) + " only"), std::string::npos) << text;
    }
  }
  NoiseSettings none;
  EXPECT_TRUE(expected_shift_text({}, none, "dot", true, false).empty());
}

TEST(ComputeService, TheNewestRequestWins) {
  ComputeService service;
  for (int k = 0; k < 20; ++k) service.submit(request_for({"exp", "relu"}, 0.1 * k));
  service.submit(request_for({"softplus"}, 2.0));
  service.wait_until_idle();
  ASSERT_TRUE(service.result());
  ASSERT_EQ(service.result()->methods.size(), 1u);
  EXPECT_EQ(service.result()->methods[0].spec, "softplus");
  EXPECT_EQ(service.result()->generation, service.submitted_generation());
}

// A failed computation (here a size beyond every path, which the loader would have refused) is the
// service's error; the previous results stay, and the service is idle, not computing for ever.
TEST(ComputeService, AnEngineErrorIsReportedAndTheResultsStay) {
  ComputeService service;
  service.submit(request_for({"exp"}, 0.0));
  service.wait_until_idle();
  ASSERT_TRUE(service.result());
  const auto previous = service.result();
  auto huge = std::make_shared<LoadedData>();
  huge->queries = attn::MatD::Constant(140000, 1, 0.3);  // beyond the streaming path's 131072
  ComputeRequest request = request_for({"exp"}, 0.0);
  request.data = huge;
  service.submit(request);
  service.wait_until_idle();
  EXPECT_FALSE(service.busy());
  EXPECT_NE(service.error().find("at most 131072"), std::string::npos) << service.error();
  EXPECT_EQ(service.result(), previous);
  service.submit(request_for({"relu"}, 0.0));
  service.wait_until_idle();
  EXPECT_TRUE(service.error().empty());
}

// The pooled pictures of a view: from the dense matrices, and streamed from the vectors (the path
// the app takes beyond 4096 x 4096), give the same pixels; each pixel is its block's max.
TEST(OverviewService, StreamedPixelsEqualDensePixelsAndEachIsItsBlocksMax) {
  ComputeService service;
  const ComputeRequest request = request_for({"exp", "relu"}, 0.5);
  service.submit(request);
  service.wait_until_idle();
  const auto dense = service.result();
  ASSERT_TRUE(dense);
  ASSERT_EQ(dense->path, ComputePath::Dense);

  auto streamed = std::make_shared<ComputeResult>(*dense);
  streamed->path = ComputePath::Streaming;
  streamed->generation = dense->generation + 1;
  auto inputs = std::make_shared<StreamingInputs>();
  inputs->vectors.queries = request.data->queries.cast<float>();
  for (const auto& spec : request.attention.methods) {
    inputs->specs.push_back(make_attention_spec(request.attention, request.centre, attn::parse_method(spec)));
  }
  inputs->perturbation = make_perturbation(request.noise, dense->queries, dense->keys);
  streamed->streaming = inputs;

  const ViewGrid whole = view_grid(16, 16, 1.0f, {0.0f, 0.0f}, 5, 3);
  const ViewGrid zoomed = view_grid(16, 16, 2.0f, {0.25f, 0.5f}, 5, 3);
  EXPECT_TRUE(whole.pooled());
  EXPECT_EQ(zoomed.window.row_begin, 8);
  EXPECT_EQ(zoomed.window.col_begin, 4);
  const std::vector<OverviewService::Item> items = {{0, HeatmapMode::Perturbed}, {1, HeatmapMode::AbsDifference}};
  for (const ViewGrid& grid : {whole, zoomed}) {
    OverviewService from_dense, from_vectors;
    from_dense.request(dense, items, grid, whole);
    from_vectors.request(streamed, items, grid, whole);
    from_dense.wait_until_idle();
    from_vectors.wait_until_idle();
    EXPECT_TRUE(from_vectors.whole_stats(streamed->generation, items[0]).has_value());
    for (const auto& item : items) {
      const auto a = from_dense.get(dense->generation, item), b = from_vectors.get(streamed->generation, item);
      ASSERT_TRUE(a && b);
      ASSERT_TRUE(a->error.empty() && b->error.empty()) << a->error << b->error;
      EXPECT_TRUE(a->grid == grid && b->grid == grid);
      ASSERT_EQ(a->overview.peak.size(), b->overview.peak.size());
      for (std::size_t p = 0; p < a->overview.peak.size(); ++p) {
        EXPECT_NEAR(a->overview.peak[p], b->overview.peak[p], 1e-6f);
        EXPECT_NEAR(a->overview.mean[p], b->overview.mean[p], 1e-6f);
      }
      // Pixel (r, c) is the max of its block of the dense matrix, found through overview_pixel.
      const auto& w =
          item.mode == HeatmapMode::Perturbed ? dense->methods[0].perturbed.matrix : dense->methods[1].clean.matrix;
      const attn::MatF cells =
          item.mode == HeatmapMode::Perturbed ? w : attn::MatF((dense->methods[1].perturbed.matrix - w).cwiseAbs());
      for (attn::Index r = 0; r < a->overview.pixel_rows; ++r) {
        for (attn::Index c = 0; c < a->overview.pixel_cols; ++c) {
          const auto [i0, i1] = a->overview.block_rows(r);
          const auto [j0, j1] = a->overview.block_cols(c);
          EXPECT_FLOAT_EQ(a->overview.peak[static_cast<std::size_t>(a->overview.pixel(r, c))],
                          cells.block(i0, j0, i1 - i0, j1 - j0).maxCoeff());
          const auto pixel = overview_pixel(a->overview, i1 - 1, j0);
          EXPECT_EQ(pixel[0], r);
          EXPECT_EQ(pixel[1], c);
        }
      }
    }
  }
}

TEST(StudyService, RunsReportsProgressAndCancels) {
  StudyService study;
  ComputeRequest request = request_for({"exp", "relu"}, 0.0);
  request.noise.global_rms = 0.5;
  request.noise.study_draws = 30;
  study.start(request);
  study.wait();
  ASSERT_TRUE(study.result());
  EXPECT_EQ(study.result()->study.rows.size(), 2u);
  EXPECT_EQ(study.progress().first, 30);

  request.noise.study_draws = 100000;
  study.start(request);
  study.cancel();
  study.wait();
  EXPECT_NE(study.status().find("cancelled"), std::string::npos) << study.status();
}

}  // namespace
}  // namespace ax
