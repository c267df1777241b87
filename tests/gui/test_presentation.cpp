// Presenting the demo without the mouse: the grid that makes heatmaps largest, and key commands
// applied through the real panels (no GL). The key map and the sweep itself are the controller's
// (test_controller_actions.cpp).
#include <cmath>

#include <gtest/gtest.h>

#include "figures/noise_text.hpp"
#include "headless_imgui.hpp"
#include "widgets/grid_layout.hpp"

namespace ax {
namespace {

TEST(GridLayout, FourSquareMapsInALandscapePanelMakeTwoByTwo) {
  // The demo at 1280 x 720 presenting: four square heatmaps in about 870 x 620.
  widgets::GridCellFrame frame{40.0f, 12.0f, 70.0f, 4.0f, 0.0f, 0.0f};
  const auto grid = widgets::choose_grid(4, 870.0f, 620.0f, 1.0f, frame);
  EXPECT_EQ(grid.columns, 2);
  EXPECT_EQ(grid.rows, 2);
  EXPECT_NEAR(grid.image_w, 620.0f / 2 - 74.0f, 1.0f);  // height-bound, whole pixels
  EXPECT_FLOAT_EQ(grid.image_w, grid.image_h);
  // No other choice gives larger maps.
  for (float columns : {1.0f, 3.0f, 4.0f}) {
    const float rows = std::ceil(4.0f / columns);
    const float w = std::min(870.0f / columns - 52.0f, 620.0f / rows - 74.0f);
    EXPECT_LE(w, grid.image_w) << columns;  // 3 columns tie (height-bound): fewer columns win
  }
}

TEST(GridLayout, WidePanelPutsMapsInOneRowAndNarrowInOneColumn) {
  widgets::GridCellFrame frame{40.0f, 12.0f, 70.0f, 4.0f, 0.0f, 0.0f};
  EXPECT_EQ(widgets::choose_grid(4, 2000.0f, 400.0f, 1.0f, frame).columns, 4);
  EXPECT_EQ(widgets::choose_grid(4, 300.0f, 2000.0f, 1.0f, frame).columns, 1);
  // Tall matrices (more queries than keys) in a wide panel: one row.
  EXPECT_EQ(widgets::choose_grid(3, 1200.0f, 600.0f, 4.0f, frame).rows, 1);
}

TEST(GridLayout, TwoLineTitlesCostHeightOnlyWhenCellsAreNarrow) {
  widgets::GridCellFrame frame{40.0f, 12.0f, 60.0f, 4.0f, 300.0f, 30.0f};
  const auto wide = widgets::choose_grid(2, 1400.0f, 500.0f, 1.0f, frame);
  EXPECT_FALSE(wide.two_line_header);
  EXPECT_FLOAT_EQ(wide.cell_h, std::ceil(wide.image_h + 60.0f + 4.0f));
  const auto narrow = widgets::choose_grid(4, 800.0f, 300.0f, 1.0f, frame);
  EXPECT_TRUE(narrow.two_line_header);
  EXPECT_FLOAT_EQ(narrow.cell_h, std::ceil(narrow.image_h + 90.0f + 4.0f));
}

TEST(GridLayout, NeverBelowTheMinimumSide) {
  widgets::GridCellFrame frame{40.0f, 12.0f, 70.0f, 4.0f, 0.0f, 0.0f};
  const auto grid = widgets::choose_grid(12, 200.0f, 150.0f, 1.0f, frame, 32.0f);
  EXPECT_GE(grid.image_w, 32.0f);
  EXPECT_GE(grid.image_h, 32.0f);
}

// Keys reach the controller (as the shell passes them on) and the frames show what they did; the
// sweep of M runs on the controller's clock, here a test clock of half a second per frame.
TEST(PresentingHeadless, KeysMoveResetAndSweepTheShiftAndShowTheDemoControls) {
  test::HeadlessImGui imgui(ImVec2(1280, 720));
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.view.presentation = true;
  initial.view.sweep_to = 3.0;
  double now = 0.0;
  AppController app(initial, [&now] { return now; });
  ExplorerUi ui(canvas, app);
  auto frame = [&] {
    now += 0.5;  // a sweep of 4 s takes 8 frames
    test::HeadlessImGui::frame(ui);
  };
  frame();
  for (Command c : {Command::ShiftUp, Command::ShiftUp, Command::ShiftUpLarge, Command::ShiftDown}) app.command(c);
  frame();
  EXPECT_DOUBLE_EQ(app.state().noise.shift, 1.25);
  app.command(Command::ShiftReset);
  app.command(Command::ModeSignedDifference);
  frame();
  EXPECT_EQ(app.state().noise.shift, 0.0);
  EXPECT_EQ(app.state().view.mode, HeatmapMode::SignedDifference);

  app.command(Command::ShiftSweep);
  double last = -1.0;
  int frames = 0;
  do {
    frame();
    EXPECT_GE(app.state().noise.shift, last);
    last = app.state().noise.shift;
  } while (last < 3.0 && ++frames < 50);
  EXPECT_EQ(app.state().noise.shift, 3.0);
  EXPECT_GT(frames, 4);  // smooth: several frames, not one jump

  // The presenting layout shows the demo's controls.
  app.wait_for_results();
  frame();
  frame();
  const auto layout = ui.report()["layout"];
  for (const char* name : {"shift_control", "mode_menu", "methods_menu", "sweep_button", "heatmap:3"}) {
    EXPECT_TRUE(layout.contains(name)) << name;
  }
  app.command(Command::Help);
  frame();
  EXPECT_TRUE(ui.report()["layout"].contains("key_help"));
}

// Issue 15: presenting with shared vector noise on, the screen said "shift M 0.00" beside "exp
// changed" and showed no noise, with no way to reset everything. Every active perturbation is
// listed beside the demo controls, and one button and one key (R) turn them all off.
TEST(PresentingHeadless, EveryActivePerturbationIsShownAndOneKeyResetsThemAll) {
  test::HeadlessImGui imgui(ImVec2(1280, 720));
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.view.presentation = true;
  initial.noise.global_rms = 0.5;
  initial.noise.local_rms = 0.2;
  initial.noise.target = "keys";
  initial.noise.row_shift_rms = 1.0;
  initial.noise.column_shift_rms = 0.5;
  initial.noise.scale = 2.0;
  initial.noise.score_noise_rms = 0.3;
  initial.noise.shift = 1.5;
  initial.noise.seed = 9;
  AppController app(initial);
  ExplorerUi ui(canvas, app);
  test::HeadlessImGui::frame(ui);
  const std::vector<std::string> listed = active_perturbations(app.state().noise);
  EXPECT_EQ(listed,
            (std::vector<std::string>{"M = 1.5", "row shifts rms 1", "column shifts rms 0.5", "scale lambda = 2",
                                      "score noise rms 0.3", "vector noise s_g = 0.5, s_l = 0.2 on the keys only"}));
  const auto layout = ui.report()["layout"];
  for (const char* name : {"active_perturbations", "reset_perturbations", "range_toggle", "log_toggle"}) {
    EXPECT_TRUE(layout.contains(name)) << name;
  }

  // R, as the shell passes it on: every perturbation off, the noise seed kept.
  const std::vector<Command> r = commands_for_key('R', kNoModifier, false);
  ASSERT_EQ(r, std::vector<Command>{Command::ResetPerturbations});
  app.command(r.front());
  test::HeadlessImGui::frame(ui);
  NoiseSettings clean;
  clean.seed = 9;
  EXPECT_TRUE(app.state().noise == clean);
  EXPECT_TRUE(active_perturbations(app.state().noise).empty());
  EXPECT_FALSE(ui.report()["layout"].contains("reset_perturbations"));  // nothing left to reset
  EXPECT_TRUE(ui.report()["layout"].contains("active_perturbations"));  // "no perturbation"

  // The button does the same.
  app.state().noise.global_rms = 0.4;
  test::HeadlessImGui::frame(ui);
  test::HeadlessImGui::frame(ui);
  ASSERT_TRUE(ui.report()["layout"].contains("reset_perturbations"));
  test::HeadlessImGui::click(ui, ui.report()["layout"]["reset_perturbations"]);
  EXPECT_EQ(app.state().noise.global_rms, 0.0);
}

}  // namespace
}  // namespace ax
