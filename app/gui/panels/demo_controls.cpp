// Presenting the demo: the few controls the lecture needs (the shift M, the methods, the view
// mode) in a compact panel beside the heatmaps, and the list of the keys that change them without
// the mouse (the controller applies the keys).
#include "panels/demo_controls.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "attn/kernels/methods.hpp"
#include "figures/noise_text.hpp"
#include "imgui.h"
#include "panels/heatmap_grid.hpp"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"
#include "widgets/wrapped_text.hpp"

namespace ax {
namespace {

void shift_slider(UiContext& ctx) {
  NoiseSettings& n = ctx.state.noise;
  float shift = static_cast<float>(n.shift);
  // The name beside the slider, not on it: the slider's grab would cover part of it.
  const char* label = "shift M";
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(label).x -
                          ImGui::GetStyle().ItemInnerSpacing.x);
  // An edit of M stops a running sweep (the controller sees M moved).
  if (ImGui::SliderFloat(label, &shift, -10.0f, 10.0f, "%.2f")) n.shift = shift;
  record_layout(ctx, "shift_control");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the same constant added to every score (keys: Up, Down, 0, S)");
}

void shift_row(UiContext& ctx) {
  shift_slider(ctx);
  if (ImGui::Button("M = 0")) ctx.app.command(Command::ShiftReset);
  ImGui::SameLine();
  if (ImGui::Button(ctx.app.sweeping() ? "stop" : "sweep 0 to")) ctx.app.command(Command::ShiftSweep);
  record_layout(ctx, "sweep_button");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("-10.00").x + ImGui::GetStyle().FramePadding.x * 2.0f);
  ImGui::InputDouble("##sweep to", &ctx.state.view.sweep_to, 0.0, 0.0, "%.2f");
  ctx.state.view.sweep_to = std::clamp(ctx.state.view.sweep_to, -1e6, 1e6);
  const char* hint = "H: keys";
  if (ImGui::GetItemRectMax().x + ImGui::CalcTextSize(hint).x + 20.0f <
      ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) {
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", hint);
  }
}

// The view mode of every heatmap, and a menu that adds or removes catalogue methods (the heatmap
// titles name the methods shown).
void view_row(UiContext& ctx) {
  auto& methods = ctx.state.attention.methods;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("show");
  ImGui::SameLine();
  draw_mode_menu(ctx);
  const char* label = "methods";
  const float width =
      ImGui::CalcTextSize(label).x + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2.0f + 4.0f;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <=
      ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) {
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo("##methods", label, ImGuiComboFlags_HeightLarge)) {
    for (const auto& info : attn::method_catalogue()) {
      if (info.kind == attn::MethodKind::Custom) continue;
      const std::string spec(info.example);
      const auto found = std::find(methods.begin(), methods.end(), spec);
      const bool shown = found != methods.end();
      if (ImGui::Selectable(spec.c_str(), shown, ImGuiSelectableFlags_DontClosePopups)) {
        if (!shown && methods.size() < kMaxMethods) methods.push_back(spec);
        if (shown && methods.size() > 1) methods.erase(found);
      }
    }
    ImGui::EndCombo();
  }
  record_layout(ctx, "methods_menu");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("add or remove methods");
}

float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

// The next item on this line when `width` still fits in the window, else on the next line.
void same_line_if_room(float width) {
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <=
      ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) {
    ImGui::SameLine();
  }
}

// Every perturbation that is on, so the screen never says "M 0.00" beside "exp changed" while
// vector noise is what changed it; one button (and R) turns them all off.
void perturbation_row(UiContext& ctx) {
  const std::vector<std::string> active = active_perturbations(ctx.state.noise);
  std::string text = "no perturbation";
  if (!active.empty()) {
    text = "perturbed: ";
    for (std::size_t k = 0; k < active.size(); ++k) text += (k ? "; " : "") + active[k];
  }
  widgets::WrappedText(text, active.empty() ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : IM_COL32(255, 200, 90, 255));
  record_layout(ctx, "active_perturbations");
  if (!active.empty()) {
    if (ImGui::Button("reset all (R)")) ctx.app.command(Command::ResetPerturbations);
    record_layout(ctx, "reset_perturbations");
    same_line_if_room(checkbox_width("own ranges"));
  }
  // The colour range: one for all heatmaps, or each its own (from its clean weights).
  bool own = !ctx.state.view.shared_range;
  if (ImGui::Checkbox("own ranges", &own)) ctx.state.view.shared_range = !own;
  record_layout(ctx, "range_toggle");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("each heatmap its own colour range, from its clean weights");
  same_line_if_room(checkbox_width("log"));
  ImGui::Checkbox("log", &ctx.state.view.log_scale);
  record_layout(ctx, "log_toggle");
}

}  // namespace

void draw_shift_control(UiContext& ctx) { shift_slider(ctx); }

void draw_demo_controls(UiContext& ctx) {
  ImGui::BeginGroup();
  shift_row(ctx);
  view_row(ctx);
  perturbation_row(ctx);
  ImGui::EndGroup();
  record_layout(ctx, "demo_controls");
}

void draw_key_help(UiContext& ctx) {
  if (!ctx.app.key_help_shown()) return;
  // One line per command, its keys together ("Right, Page Down").
  std::vector<std::pair<std::string, const char*>> lines;
  std::vector<Command> seen;
  for (const KeyBinding& b : key_bindings()) {
    const auto at = std::find(seen.begin(), seen.end(), b.command);
    if (at != seen.end()) {
      lines[static_cast<std::size_t>(at - seen.begin())].first += std::string(", ") + b.key_label;
      continue;
    }
    seen.push_back(b.command);
    lines.emplace_back(b.key_label, b.what);
  }
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + viewport->Size.y * 0.5f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.94f);
  bool open = true;
  if (ImGui::Begin("Keys", &open,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoMove)) {
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit)) {
      for (const auto& [keys, what] : lines) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.45f, 1.0f), "%s", keys.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(what);
      }
      ImGui::EndTable();
    }
    ImGui::TextDisabled("H or F1 closes this list");
  }
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  ctx.scratch.drawn.layout["key_help"] = {pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
  if (!open) ctx.app.command(Command::Help);  // its close button
}

}  // namespace ax
