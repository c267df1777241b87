// Scenario files: round trips, partial files over defaults, and errors that name the key.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

class ScenarioFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ax_scenario_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
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
  fs::path dir_;
};

AppState edited_state() {
  AppState s;
  s.data.source = DataSource::Points2D;
  s.data.points = {{0.5, -1.0}, {2.0, 0.25}};
  s.data.tokens = {"a", "b"};
  s.attention.methods = {"exp", "custom:max(z,0)^2"};
  s.attention.alpha = 0.37;
  s.attention.use_double = true;
  s.noise.shift = -2.5;
  s.noise.global_rms = 0.3;
  s.noise.target = "keys";
  s.noise.seed = 12345678901234ull;
  s.view.mode = HeatmapMode::AbsDifference;
  s.view.modes = {HeatmapMode::Clean, HeatmapMode::SignedDifference};
  s.view.pan = {0.25f, 0.5f};
  s.view.zoom = 4.0f;
  return s;
}

TEST_F(ScenarioFile, SaveThenLoadGivesTheSameState) {
  const AppState original = edited_state();
  const std::string path = (dir_ / "s.json").string();
  save_scenario_file(path, original);
  const AppState loaded = load_scenario_file(path);
  EXPECT_EQ(scenario_to_json(loaded), scenario_to_json(original));
  EXPECT_EQ(loaded.noise.seed, 12345678901234ull);
  EXPECT_EQ(loaded.view.modes.size(), 2u);
  EXPECT_EQ(loaded.data.points[1][1], 0.25);
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
}

}  // namespace
}  // namespace ax
