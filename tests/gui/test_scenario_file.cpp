// Scenario files: round trips, partial files over defaults, and errors that name the key.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "state/scenario_file.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

class ScenarioFile : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string error_of(const std::string& path) {
    try {
      (void)load_scenario_file(path);
    } catch (const attn::InputError& e) {
      return e.what();
    }
    return "";
  }
  test::TempDir temp_{"ax_scenario_"};
  const fs::path& dir_ = temp_.path();
};

// Every field of every section away from its default, so a field the file never saves (or
// reads back into the wrong place) makes the round trip below differ.
AppState edited_state() {
  AppState s;
  s.data.source = DataSource::Points2D;
  s.data.generator = "sphere";
  s.data.n = 31;
  s.data.d = 5;
  s.data.seed = 77;
  s.data.clusters = 6;
  s.data.points = {{0.5, -1.0}, {2.0, 0.25}};
  s.data.vectors_path = "q.npy";
  s.data.keys_path = "k.npy";
  s.data.tokens_path = "tokens.txt";
  s.data.content = FileContent::Weights;
  s.data.layer = 2;
  s.data.head = 3;
  s.data.tokens = {"a", "b"};
  s.data.centre = true;
  s.attention.score = "cosine";
  s.attention.alpha = 0.37;
  s.attention.methods = {"exp", "custom:max(z,0)^2"};
  s.attention.mask = "causal";
  s.attention.use_double = true;
  s.attention.subtract_max = false;
  s.noise.shift = -2.5;
  s.noise.scale = 1.75;
  s.noise.row_shift_rms = 0.125;
  s.noise.column_shift_rms = 0.0625;
  s.noise.score_noise_rms = 0.5;
  s.noise.global_rms = 0.3;
  s.noise.local_rms = 0.2;
  s.noise.target = "keys";
  s.noise.seed = 12345678901234ull;
  s.noise.draw = 9;
  s.noise.animate = true;
  s.noise.animate_frames = 7;
  s.noise.study_draws = 50;
  s.view.mode = HeatmapMode::AbsDifference;
  s.view.modes = {HeatmapMode::Clean, HeatmapMode::SignedDifference};
  s.view.colormap = "grey";
  s.view.difference_colormap = "viridis";
  s.view.log_scale = true;
  s.view.shared_range = false;
  s.view.versus_model = false;
  s.view.exclude_first_key = true;
  s.view.reduction = PixelReduction::Mean;
  s.view.zoom = 4.0f;
  s.view.pan = {0.25f, 0.5f};
  s.view.selected_row = 4;
  s.view.selected_method = 1;
  s.view.chart_shift_min = 0.5;
  s.view.chart_shift_max = 20.0;
  s.view.show_charts = false;
  s.view.presentation = true;
  s.view.sweep_to = 2.5;
  s.lesson.path = "lesson.json";
  s.lesson.step = 3;
  s.lesson.revealed = true;
  s.lesson.theta = {0.5, -0.5};
  s.lesson.theta2 = {-2.0, 1.5};
  s.lesson.propagation_steps = 4;
  s.lesson.playing = true;
  s.lesson.shuffled = true;
  s.lesson.metric_row1 = {2.0, 0.5};
  s.lesson.metric_row2 = {-0.5, 3.0};
  s.lesson.metric_query = 2;
  return s;
}

// The sections one by one, so a failure names the one that did not come back.
void expect_same_state(const AppState& loaded, const AppState& original) {
  EXPECT_TRUE(loaded.data == original.data) << "data";
  EXPECT_TRUE(loaded.attention == original.attention) << "attention";
  EXPECT_TRUE(loaded.noise == original.noise) << "noise";
  EXPECT_TRUE(loaded.view == original.view) << "view";
  EXPECT_TRUE(loaded.lesson == original.lesson) << "lesson";
  EXPECT_TRUE(loaded == original);
}

TEST_F(ScenarioFile, EveryEditedFieldDiffersFromItsDefault) {
  // The round trip proves something only if the edited state is not the default one anywhere.
  const AppState edited = edited_state();
  const AppState defaults;
  EXPECT_FALSE(edited.data == defaults.data);
  EXPECT_FALSE(edited.attention == defaults.attention);
  EXPECT_FALSE(edited.noise == defaults.noise);
  EXPECT_FALSE(edited.view == defaults.view);
  EXPECT_FALSE(edited.lesson == defaults.lesson);
}

TEST_F(ScenarioFile, SaveThenLoadGivesTheSameState) {
  const AppState original = edited_state();
  const std::string path = (dir_ / "s.json").string();
  save_scenario_file(path, original);
  // Loaded over the defaults: a field the file does not hold would keep its default and differ.
  expect_same_state(load_scenario_file(path), original);
  // Nothing left behind by the atomic save.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(ScenarioFile, APartialFileChangesOnlyWhatItNames) {
  AppState base;
  base.attention.alpha = 3.0;
  const AppState s = scenario_from_json(nlohmann::json::parse(R"({"noise": {"shift": 1.5}})"), base, "inline");
  EXPECT_EQ(s.noise.shift, 1.5);
  EXPECT_EQ(s.attention.alpha, 3.0);
  EXPECT_EQ(s.attention.methods, base.attention.methods);
}

TEST_F(ScenarioFile, ErrorsNameTheFileTheKeyAndTheProblem) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {R"({"noise": {"shift": 1.0)", {"not valid JSON", "line 1"}},
      {R"({"data": {"n": "many"}})", {"data.n", "whole number"}},
      {R"({"data": {"n": 2.5}})", {"data.n", "whole number"}},
      {R"({"attention": {"alpha": true}})", {"attention.alpha", "must be a number"}},
      {R"({"attention": {"methods": "exp"}})", {"attention.methods", "list of strings"}},
      {R"({"noise": {"shfit": 1}})", {"noise.shfit", "unknown key"}},
      {R"({"colours": {}})", {"colours", "unknown key"}},
      {R"({"view": {"mode": "sideways"}})", {"view.mode", "one of clean, perturbed"}},
      {R"({"view": {"modes": ["clean", 3]}})", {"view.modes"}},
      {R"({"data": {"points": [[1, 2], [3]]}})", {"data.points", "pairs"}},
      {R"({"data": {"n": 0}})", {"data.n", "between 1 and 131072"}},
      {R"({"noise": {"seed": -1}})", {"noise.seed", "non-negative"}},
      {R"({"version": 99})", {"version", "unsupported"}},
      {R"([1, 2, 3])", {"JSON object"}},
      {R"({"noise": 3})", {"noise", "must be an object"}},
  };
  int k = 0;
  for (const auto& [text, expected] : cases) {
    const std::string name = "case" + std::to_string(k++) + ".json";
    const std::string message = error_of(write(name, text));
    EXPECT_NE(message.find(name), std::string::npos) << text << " -> " << message;
    for (const auto& part : expected) EXPECT_NE(message.find(part), std::string::npos) << text << " -> " << message;
  }
  EXPECT_NE(error_of((dir_ / "missing.json").string()).find("cannot open"), std::string::npos);
}

TEST_F(ScenarioFile, FailedLoadLeavesTheCallersStateAlone) {
  AppState current = edited_state();
  const nlohmann::json before = scenario_to_json(current);
  try {
    current = load_scenario_file(write("bad.json", R"({"attention": {"alpha": "hot"}})"), current);
  } catch (const attn::InputError&) {}
  EXPECT_EQ(scenario_to_json(current), before);
  EXPECT_TRUE(current == edited_state());
}

}  // namespace
}  // namespace ax
