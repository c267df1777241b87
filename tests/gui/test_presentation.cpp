// Presenting the demo without the mouse: the grid that makes heatmaps largest, and key commands
// applied through the real panels (no GL). The key map and the sweep itself are the controller's
// (test_controller_actions.cpp).
#include <cmath>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ax
