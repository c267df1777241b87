// Presenting the demo without the mouse: the grid that makes heatmaps largest, the sweep of M,
// the key map, and key commands applied to the state through the real panels (no GL).
#include <cmath>
#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "compute/shift_sweep.hpp"
#include "imgui.h"
#include "panels/explorer_ui.hpp"
#include "panels/key_map.hpp"
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

TEST(ShiftSweep, EasesFromStartToTargetAndStops) {
  ShiftSweep sweep;
  EXPECT_FALSE(sweep.active());
  sweep.start(0.0, 4.0, 2.0);
  EXPECT_TRUE(sweep.active());
  double last = 0.0;
  for (int k = 0; k < 19; ++k) {
    const double value = sweep.advance(0.1);
    EXPECT_GT(value, last);  // moves every step, never back
    EXPECT_LT(value, 4.0);
    last = value;
  }
  EXPECT_NEAR(sweep.advance(0.0), last, 1e-12);  // no time, no move
  EXPECT_EQ(sweep.advance(0.1), 4.0);            // exactly the target at the end
  EXPECT_FALSE(sweep.active());
  sweep.start(0.0, -2.0, 1.0);
  EXPECT_LT(sweep.advance(0.5), 0.0);
  EXPECT_EQ(sweep.advance(5.0), -2.0);
}

TEST(KeyMap, EveryKeyMeansOneThingAndEveryCommandHasAKey) {
  std::set<std::pair<int, int>> keys;
  std::set<Command> commands;
  for (const KeyBinding& b : key_bindings()) {
    EXPECT_TRUE(keys.insert({b.key, b.modifiers}).second) << b.key_label << " is bound twice";
    commands.insert(b.command);
    EXPECT_NE(std::string(b.what), "");
  }
  EXPECT_EQ(commands.size(), static_cast<std::size_t>(Command::ModeSignedDifference) + 1);
  // What the shell dispatches: one command per key, none from letters typed into a field.
  EXPECT_EQ(commands_for_key(keys::kUp, kNoModifier, false), std::vector<Command>{Command::ShiftUp});
  EXPECT_TRUE(commands_for_key('S', kNoModifier, true).empty());
}

class HeadlessFrames : public ::testing::Test {
 protected:
  HeadlessFrames() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1280, 720);
    io.IniFilename = nullptr;
    io.DeltaTime = 0.5f;  // a sweep of 4 s takes 8 frames
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~HeadlessFrames() override { ImGui::DestroyContext(); }
  void frame(ExplorerUi& ui) {
    ImGui::NewFrame();
    ui.frame(FrameStats{});
    ImGui::Render();
  }
};

TEST_F(HeadlessFrames, KeysMoveResetAndSweepTheShiftAndSetTheMode) {
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.view.presentation = true;
  initial.view.sweep_to = 3.0;
  AppController app(initial);
  ExplorerUi ui(canvas, app);
  frame(ui);
  for (Command c : {Command::ShiftUp, Command::ShiftUp, Command::ShiftUpLarge, Command::ShiftDown}) ui.command(c);
  frame(ui);
  EXPECT_DOUBLE_EQ(app.state().noise.shift, 1.25);
  ui.command(Command::ShiftReset);
  ui.command(Command::ModeSignedDifference);
  frame(ui);
  EXPECT_EQ(app.state().noise.shift, 0.0);
  EXPECT_EQ(app.state().view.mode, HeatmapMode::SignedDifference);

  ui.command(Command::ShiftSweep);
  double last = -1.0;
  int frames = 0;
  do {
    frame(ui);
    EXPECT_GE(app.state().noise.shift, last);
    last = app.state().noise.shift;
  } while (last < 3.0 && ++frames < 50);
  EXPECT_EQ(app.state().noise.shift, 3.0);
  EXPECT_GT(frames, 4);  // smooth: several frames, not one jump

  // The presenting layout shows the demo's controls.
  ui.wait_for_results();
  frame(ui);
  frame(ui);
  const auto layout = ui.report()["layout"];
  for (const char* name : {"shift_control", "mode_menu", "methods_menu", "sweep_button", "heatmap:3"}) {
    EXPECT_TRUE(layout.contains(name)) << name;
  }
  ui.command(Command::Help);
  frame(ui);
  EXPECT_TRUE(ui.report()["layout"].contains("key_help"));
}

}  // namespace
}  // namespace ax
