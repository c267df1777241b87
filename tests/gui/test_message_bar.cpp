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

}  // namespace
}  // namespace ax
