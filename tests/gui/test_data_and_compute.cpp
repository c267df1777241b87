// Data loading (with fallback to the last good data) and the background compute and study services.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "attn/errors.hpp"
#include "attn/npy.hpp"
#include "model/compute_service.hpp"
#include "model/loaded_data.hpp"
#include "model/study_service.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("ax_gui_data_" + name)).string();
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
  EXPECT_LT(result->methods[0].deviation.max_abs_diff, 1e-6);   // exp: float32 rounding only
  EXPECT_GT(result->methods[1].deviation.max_abs_diff, 1e-3);   // relu moves
  EXPECT_NE(result->methods[2].error.find("custom formula"), std::string::npos);
  EXPECT_FALSE(result->methods[3].ratio_form);
  EXPECT_TRUE(result->methods[3].curve.z.empty());
  EXPECT_EQ(result->methods[0].curve.z.size(), result->methods[0].curve.f.size());
  const auto chart = service.chart();
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->generation, result->generation);
  EXPECT_EQ(chart->curves.size(), 3u);  // the broken formula has no curve
  EXPECT_EQ(chart->shifts.size(), chart->curves[0].max_abs_diff.size());
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

// An engine failure (here a matrix too large for it) is the service's error; the previous results
// stay, and the service is idle, not computing for ever.
TEST(ComputeService, AnEngineErrorIsReportedAndTheResultsStay) {
  ComputeService service;
  service.submit(request_for({"exp"}, 0.0));
  service.wait_until_idle();
  ASSERT_TRUE(service.result());
  const auto previous = service.result();
  auto huge = std::make_shared<LoadedData>();
  huge->queries = attn::MatD::Constant(20000, 1, 0.3);  // 20000 x 20000 weights: over the engine's limit
  ComputeRequest request = request_for({"exp"}, 0.0);
  request.data = huge;
  service.submit(request);
  service.wait_until_idle();
  EXPECT_FALSE(service.busy());
  EXPECT_NE(service.error().find("too large"), std::string::npos) << service.error();
  EXPECT_EQ(service.result(), previous);
  service.submit(request_for({"relu"}, 0.0));
  service.wait_until_idle();
  EXPECT_TRUE(service.error().empty());
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
