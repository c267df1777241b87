// Menu bar: scenario files, exports, view toggles (the controller opens, saves and writes).
// Paths are typed (bookworm packages no native file dialog); files can also be dropped on the
// window.
#include "panels/menu_bar.hpp"

#include <algorithm>

#include "imgui.h"
#include "imgui_stdlib.h"
#include "panels/lesson_panel.hpp"
#include "panels/ui_context.hpp"

namespace ax {
namespace {

void scenario_menu(UiContext& ctx) {
  ImGui::SetNextItemWidth(260.0f);
  ImGui::InputText("##scenario path", &ctx.scratch.menu.scenario);
  // Opened at the end of this frame, the same way as a dropped file (lessons included).
  if (ImGui::MenuItem("Open scenario")) ctx.app.request_scenario(ctx.scratch.menu.scenario);
  if (ImGui::MenuItem("Save scenario")) ctx.app.save_scenario(ctx.scratch.menu.scenario);
}

void png_options(PngExtras& extras) {
  ImGui::SetNextItemWidth(120.0f);
  // Clamped even when typed (ctrl+click): the picture's size is scale x n a side.
  ImGui::SliderInt("pixels per cell", &extras.scale, 1, 32, "%d", ImGuiSliderFlags_AlwaysClamp);
  extras.scale = std::clamp(extras.scale, 1, 32);
  ImGui::Checkbox("colour bar", &extras.colour_bar);
  ImGui::SameLine();
  ImGui::Checkbox("title", &extras.title);
  ImGui::SameLine();
  ImGui::Checkbox("badge", &extras.badge);
}

void export_menu(UiContext& ctx) {
  MenuPaths& paths = ctx.scratch.menu;
  if (!ctx.result || ctx.result->methods.empty()) {
    ImGui::TextDisabled("nothing computed yet");
    return;
  }
  const MethodResult& method = ctx.result->methods[ctx.app.selected_method(*ctx.result)];
  ImGui::TextDisabled("selected heatmap: %s", method.spec.c_str());
  if (!method.error.empty()) {
    ImGui::TextDisabled("(it has an error: nothing to export)");
    return;
  }
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##matrix path", &paths.matrix);
  if (ImGui::MenuItem("Export matrix (.npy or .csv)")) ctx.app.export_matrix(paths.matrix);
  ImGui::Separator();
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##png path", &paths.png);
  png_options(paths.png_extras);
  if (ImGui::MenuItem("Export heatmap PNG")) ctx.app.export_heatmap_png(paths.png, paths.png_extras);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the selected heatmap as on screen: its mode and colour range (shared when shared)");
  ImGui::Separator();
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##window path", &paths.window_png);
  if (ImGui::MenuItem("Save window PNG")) ctx.app.request_window_png(paths.window_png);
}

}  // namespace

void draw_menu_bar(UiContext& ctx) {
  if (!ImGui::BeginMainMenuBar()) return;
  record_window(ctx, "menu_bar");
  if (ImGui::BeginMenu("File")) {
    scenario_menu(ctx);
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) ctx.app.command(Command::Quit);
    ImGui::EndMenu();
  }
  draw_lessons_menu(ctx);
  if (ImGui::BeginMenu("Export")) {
    export_menu(ctx);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Charts and row inspector", nullptr, &ctx.state.view.show_charts);
    ImGui::MenuItem("Log colour scale", nullptr, &ctx.state.view.log_scale);
    ImGui::MenuItem("One colour range for all heatmaps", nullptr, &ctx.state.view.shared_range);
    ImGui::MenuItem("Leave key 0 (attention sink) out of the range", nullptr, &ctx.state.view.exclude_first_key);
    if (ImGui::MenuItem("Reset zoom")) {
      ctx.state.view.zoom = 1.0f;
      ctx.state.view.pan = {0.0f, 0.0f};
    }
    if (ImGui::MenuItem("Full screen", "F11")) ctx.app.command(Command::FullScreen);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::TextUnformatted("Attention replaces each x_i by y_i = sum_j w_ij x_j,");
    ImGui::TextUnformatted("w_ij = F(s_ij) / sum_l F(s_il).");
    ImGui::TextUnformatted("Adding one constant to every score leaves the weights of");
    ImGui::TextUnformatted("F = c exp(alpha z) unchanged; other F change. Shared vector");
    ImGui::TextUnformatted("noise also adds terms that vary by key: softmax does not");
    ImGui::TextUnformatted("cancel those. Hover a heatmap for values; click to inspect");
    ImGui::TextUnformatted("a row; wheel zooms, drag pans, double-click resets.");
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

}  // namespace ax
