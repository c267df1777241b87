// A Dear ImGui context with no renderer and no window, as ImPlot's CI runs its demo: a display
// size, the font atlas built as a backend would, keys mapped as a backend maps them. The panel
// tests draw the whole ExplorerUi in it, frame after frame, without GL.
#pragma once

#include "imgui.h"
#include "panels/explorer_ui.hpp"

namespace ax::test {

class HeadlessImGui {
 public:
  explicit HeadlessImGui(ImVec2 display = ImVec2(1280, 800));
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  // One frame of `ui` (NewFrame, the panels, Render); returns how many vertices it drew.
  static int frame(ExplorerUi& ui, double frame_ms = 16.0);
  static void frames(ExplorerUi& ui, int count);
  // A left click at the centre of `rect` ([x0, y0, x1, y1], as the layout report gives it), then
  // the results it asked for.
  static void click(ExplorerUi& ui, const nlohmann::json& rect);
};

}  // namespace ax::test
