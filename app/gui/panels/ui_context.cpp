#include "panels/ui_context.hpp"

#include <cstdio>

#include "imgui.h"

namespace ax {

UiContext::UiContext(AppController& controller, HeatmapCanvas& heatmap_canvas, UiScratch& ui_scratch,
                     const FrameStats& stats)
    : app(controller),
      state(controller.state()),
      canvas(heatmap_canvas),
      scratch(ui_scratch),
      frame(stats),
      result(controller.result()),
      chart(controller.chart()),
      data(controller.data()),
      evaluation(controller.evaluation()),
      hide_answers(controller.answers_hidden()) {}

void record_layout(UiContext& ctx, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.scratch.drawn.layout[name] = {a.x, a.y, b.x, b.y};
}

void record_window(UiContext& ctx, const std::string& name) {
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  ctx.scratch.drawn.layout[name] = {a.x, a.y, a.x + size.x, a.y + size.y};
}

std::string computing_text(const UiContext& ctx) {
  const std::string error = ctx.app.compute_error();
  if (!error.empty()) return "not computed: " + error;
  const ComputeProgress progress = ctx.app.progress();
  char text[96];
  std::snprintf(text, sizeof text, "computing %s %.0f%% (%.1f s)", progress.stage.c_str(), progress.fraction * 100.0,
                progress.seconds);
  return text;
}

}  // namespace ax
