// Issue 20: a scenario whose formula is 20,000 characters long once aborted the app: its parse
// error, drawn whole, needed more vertices than one ImGui draw list holds (IM_ASSERT is active in
// Debian's ImGui). The explorer is drawn headless with that formula, in a child process, so the
// abort fails this test rather than ending the test binary.
#include <gtest/gtest.h>

#include "capped_run.hpp"
#include "headless_imgui.hpp"
#include "widgets/heatmap_canvas.hpp"

namespace ax {
namespace {

TEST(MessageBar, AFormulaErrorOf20000CharactersIsDrawnWithinImGuisLimits) {
  const auto outcome = ax_test::run_capped(
      [] {
        test::HeadlessImGui imgui;
        NullHeatmapCanvas canvas;
        AppState state;
        state.attention.methods = {"exp", "custom:exp(" + std::string(20000, 'z')};
        AppController app(state);
        ExplorerUi ui(canvas, app);
        app.wait_for_results();
        app.messages().error("a message of " + std::string(50000, 'x'));  // and one pushed by anyone
        int vertices = 0;
        for (int k = 0; k < 5; ++k) vertices = test::HeadlessImGui::frame(ui);
        return "drawn " + std::to_string(vertices > 0);
      },
      std::uint64_t(2) << 30, 120);
  ASSERT_TRUE(outcome.finished) << outcome.describe();
  EXPECT_EQ(outcome.result, "drawn 1");
}

// Issue 15: every error was a line of its own above the panels (up to 4), pushing the lesson and
// the heatmaps down. Several take one line with a count until expanded.
TEST(MessageBar, SeveralMessagesTakeOneLineWithACount) {
  test::HeadlessImGui imgui;
  NullHeatmapCanvas canvas;
  AppController app(AppState{});
  ExplorerUi ui(canvas, app);
  app.wait_for_results();
  const auto bar_height = [&] {
    test::HeadlessImGui::frame(ui);
    const auto r = ui.report().at("layout").at("panel:messages");
    return r[3].get<double>() - r[1].get<double>();
  };
  app.messages().error("first");
  const double one = bar_height();
  app.messages().error("second");
  app.messages().error("third");
  EXPECT_EQ(app.messages().entries().size(), 3u);
  EXPECT_EQ(bar_height(), one);
  ui.scratch().messages_expanded = true;
  EXPECT_GT(bar_height(), 2.0 * one);  // three lines
  app.messages().entries().resize(1);
  EXPECT_EQ(bar_height(), one);
  EXPECT_FALSE(ui.scratch().messages_expanded);  // one message: nothing left to expand
}

}  // namespace
}  // namespace ax
