// The model view in the headless frame loop: a model file (every layer and head, written by NumPy
// at test time) walked by clicks and arrow keys, the model's weights beside the recomputed
// methods, differences against them, a weights-only file, and a scenario that restores the head.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "headless_imgui.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

class ModelView : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ax_model_view_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    for (const char* variant : {"", " --weights-only"}) {
      const std::string out = (dir_ / (*variant ? "weights_only.npz" : "model.npz")).string();
      const std::string command = std::string(AX_PYTHON) + " " + AX_MODEL_SCRIPT + " " + out + variant;
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  static void frames(ExplorerUi& ui, int count) { test::HeadlessImGui::frames(ui, count); }
  // A key press as the window shell turns it into commands, then a frame.
  void key(ExplorerUi& ui, int glfw_key) {
    for (const Command c : commands_for_key(glfw_key, kNoModifier, false)) ui.app().command(c);
    frames(ui, 1);
    ui.app().wait_for_results();
    frames(ui, 2);
  }
  void click(ExplorerUi& ui, const std::string& widget) {
    test::HeadlessImGui::click(ui, ui.report().at("layout").at(widget));
  }

  test::HeadlessImGui imgui_;
  fs::path dir_;
};

TEST_F(ModelView, WalksEveryLayerAndHeadOfAModelFile) {
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.data.source = DataSource::File;
  initial.data.vectors_path = path("model.npz");
  initial.attention.methods = {"exp", "sparsemax"};
  initial.attention.use_double = true;
  AppController app(initial);
  ExplorerUi ui(canvas, app);
  ui.app().wait_for_results();
  frames(ui, 5);
  EXPECT_EQ(ui.app().state().attention.mask, "model");  // the file's own masks, so exp can match it

  nlohmann::json report = ui.report();
  for (int layer = 0; layer < 2; ++layer) {
    for (int head = 0; head < 3; ++head) {
      EXPECT_TRUE(report["layout"].contains("model_cell:" + std::to_string(layer) + ":" + std::to_string(head)));
    }
  }
  // The model's weights beside the two recomputed methods; every title names the head.
  ASSERT_EQ(report["heatmaps"].size(), 3u);
  EXPECT_EQ(report["heatmaps"]["heatmap:2"]["title"], "layer 0, head 0: model's weights");
  EXPECT_EQ(report["heatmaps"]["heatmap:1"]["title"], "layer 0, head 0: sparsemax");

  // Click a cell, then step with the keys (wrapping at the ends); each opens that head. Up and
  // down move M, as everywhere else, and leave the layer alone.
  click(ui, "model_cell:1:2");
  EXPECT_EQ(ui.app().state().data.layer, 1);
  EXPECT_EQ(ui.app().state().data.head, 2);
  key(ui, keys::kRight);
  EXPECT_EQ(ui.app().state().data.head, 0);
  const double shift = ui.app().state().noise.shift;
  key(ui, keys::kUp);
  EXPECT_EQ(ui.app().state().data.layer, 1);
  EXPECT_DOUBLE_EQ(ui.app().state().noise.shift, shift + kShiftStep);
  key(ui, keys::kDown);
  EXPECT_DOUBLE_EQ(ui.app().state().noise.shift, shift);
  key(ui, ']');
  EXPECT_EQ(ui.app().state().data.layer, 0);
  key(ui, keys::kLeft);
  key(ui, '[');
  EXPECT_EQ(ui.app().state().data.layer, 1);
  EXPECT_EQ(ui.app().state().data.head, 2);
  report = ui.report();
  EXPECT_EQ(report["heatmaps"]["heatmap:0"]["title"], "layer 1, head 2: exp");

  // Walk every head: exp recomputed from its q and k is the model's softmax, sparsemax is not.
  for (int layer = 0; layer < 2; ++layer) {
    for (int head = 0; head < 3; ++head) {
      ui.app().state().data.layer = layer;
      ui.app().state().data.head = head;
      ui.app().wait_for_results();
      frames(ui, 2);
      const nlohmann::json walked = ui.report();
      ASSERT_TRUE(walked.contains("results")) << walked["messages"].dump();
      const nlohmann::json& result = walked["results"];
      ASSERT_EQ(result["methods"].size(), 3u);
      EXPECT_EQ(result["methods"][2]["spec"], "model's weights");
      EXPECT_LT(result["own_f_vs_model"].get<double>(), 1e-12) << "layer " << layer << ", head " << head;
      EXPECT_GT(result["methods"][1]["max_abs_vs_model"].get<double>(), 1e-3);
    }
  }

  // Difference views compare each method with the model's weights.
  ui.app().state().view.mode = HeatmapMode::AbsDifference;
  frames(ui, 3);
  report = ui.report();
  EXPECT_EQ(report["heatmaps"]["heatmap:1"]["title"], "layer 1, head 2: sparsemax - model's weights");
  EXPECT_GT(report["heatmaps"]["heatmap:1"]["hi"].get<double>(), 1e-3);

  // Perturbations reach the recomputed methods, not the model's weights.
  ui.app().state().noise.shift = 3.0;
  ui.app().state().attention.methods = {"exp", "relu"};
  ui.app().state().view.mode = HeatmapMode::Perturbed;
  ui.app().wait_for_results();
  frames(ui, 3);
  report = ui.report();
  EXPECT_LT(report["results"]["methods"][0]["max_abs_diff"].get<double>(), 1e-12);
  EXPECT_GT(report["results"]["methods"][1]["max_abs_diff"].get<double>(), 1e-3);
  // The model's weights are never perturbed, so nothing is compared: null, not a measured 0.
  EXPECT_TRUE(report["results"]["methods"][2]["max_abs_diff"].is_null());

  // A scenario restores the file, the layer and the head.
  const std::string scenario = path("model_scenario.json");
  save_scenario_file(scenario, ui.app().state());
  AppController reopened_app(load_scenario_file(scenario, AppState{}));
  ExplorerUi reopened(canvas, reopened_app);
  reopened_app.wait_for_results();
  frames(reopened, 3);
  EXPECT_EQ(reopened_app.state().data.layer, 1);
  EXPECT_EQ(reopened_app.state().data.head, 2);
  EXPECT_EQ(reopened.report()["heatmaps"]["heatmap:0"]["title"], "layer 1, head 2: exp");

  // A scenario naming a head the file does not hold shows the nearest it holds, with a notice.
  AppState wrong = ui.app().state();
  wrong.data.head = 7;
  ui.app().load_state(wrong);
  frames(ui, 3);
  EXPECT_EQ(ui.app().state().data.head, 2);
  bool reported = false;
  report = ui.report();
  for (const auto& m : report["messages"])
    reported |= m.get<std::string>().find("no head 7 (3 heads, numbered from 0): showing head 2") != std::string::npos;
  EXPECT_TRUE(reported) << report["messages"].dump();
}

TEST_F(ModelView, WeightsOnlyFileSaysShiftsNeedQueriesAndKeys) {
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.data.source = DataSource::File;
  initial.data.vectors_path = path("weights_only.npz");
  initial.data.layer = 1;
  AppController app(initial);
  ExplorerUi ui(canvas, app);
  ui.app().wait_for_results();
  frames(ui, 5);
  const nlohmann::json report = ui.report();
  EXPECT_EQ(report["heatmaps"].size(), 1u);
  EXPECT_EQ(report["heatmaps"]["heatmap:0"]["title"], "layer 1, head 0: model's weights");
  EXPECT_TRUE(report["layout"].contains("model_cell:1:2"));
  EXPECT_TRUE(report["layout"].contains("shifts_need_vectors"));  // the noise panel's note, on screen
  EXPECT_FALSE(report["layout"].contains("shift_slider"));
}

}  // namespace
}  // namespace ax
