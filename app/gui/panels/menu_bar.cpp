// Menu bar: scenario files, exports, view toggles. Paths are typed (bookworm packages no native
// file dialog); files can also be dropped on the window.
#include <algorithm>

#include "figures/exports.hpp"
#include "figures/heatmap_ranges.hpp"
#include "imgui.h"
#include "imgui_stdlib.h"
#include "panels/panels.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

void scenario_menu(UiContext& ctx) {
  ImGui::SetNextItemWidth(260.0f);
  ImGui::InputText("##scenario path", &ctx.scratch.scenario_path);
  // Opened after this frame's panels, the same way as a dropped file (lessons included).
  if (ImGui::MenuItem("Open scenario")) ctx.scratch.scenario_to_open = ctx.scratch.scenario_path;
  if (ImGui::MenuItem("Save scenario")) {
    try {
      save_scenario_file(ctx.scratch.scenario_path, ctx.state);
      ctx.messages.info("saved " + ctx.scratch.scenario_path);
    } catch (const std::exception& e) {
      ctx.messages.error(e.what());
    }
  }
}

void export_menu(UiContext& ctx) {
  // Held for the whole menu: nothing it reads can go away while it is read.
  const std::shared_ptr<const ComputeResult> result = ctx.result;
  if (!result || result->methods.empty()) {
    ImGui::TextDisabled("nothing computed yet");
    return;
  }
  const std::size_t method = static_cast<std::size_t>(
      std::clamp(ctx.state.view.selected_method, 0, static_cast<int>(result->methods.size()) - 1));
  const HeatmapMode mode = shown_mode(*result, ctx.state.view, method, ctx.hide_answers);
  ImGui::TextDisabled("selected heatmap: %s", result->methods[method].spec.c_str());
  if (!result->methods[method].error.empty()) {
    ImGui::TextDisabled("(it has an error: nothing to export)");
    return;
  }
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##matrix path", &ctx.scratch.export_path);
  if (ImGui::MenuItem("Export matrix (.npy or .csv)")) {
    try {
      const HeatmapImage image = ctx.images.with_values(result, method, mode);  // a copy: holds its matrix
      export_matrix(ctx.scratch.export_path, image);
      ctx.messages.info("wrote " + ctx.scratch.export_path);
    } catch (const std::exception& e) {
      ctx.messages.error(e.what());
    }
  }
  ImGui::Separator();
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##png path", &ctx.scratch.png_path);
  ImGui::SetNextItemWidth(120.0f);
  // Clamped even when typed (ctrl+click): the picture's size is scale x n a side.
  ImGui::SliderInt("pixels per cell", &ctx.scratch.png_scale, 1, 32, "%d", ImGuiSliderFlags_AlwaysClamp);
  ctx.scratch.png_scale = std::clamp(ctx.scratch.png_scale, 1, 32);
  ImGui::Checkbox("colour bar", &ctx.scratch.png_colour_bar);
  ImGui::SameLine();
  ImGui::Checkbox("title", &ctx.scratch.png_title);
  ImGui::SameLine();
  ImGui::Checkbox("badge", &ctx.scratch.png_badge);
  if (ImGui::MenuItem("Export heatmap PNG")) {
    try {
      PngExtras extras;
      extras.scale = ctx.scratch.png_scale;
      extras.colour_bar = ctx.scratch.png_colour_bar;
      extras.title = ctx.scratch.png_title;
      extras.badge = ctx.scratch.png_badge;
      export_shown_heatmap_png(ctx.scratch.png_path, ctx.images, ctx.overviews, result, ctx.state.view,
                               ctx.hide_answers, method, extras);
      ctx.messages.info("wrote " + ctx.scratch.png_path);
    } catch (const std::exception& e) {
      ctx.messages.error(e.what());
    }
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the selected heatmap as on screen: its mode and colour range (shared when shared)");
  ImGui::Separator();
  ImGui::SetNextItemWidth(220.0f);
  ImGui::InputText("##window path", &ctx.scratch.window_png_path);
  if (ImGui::MenuItem("Save window PNG")) {
    // Taken two frames later: the menu has closed by then.
    ctx.shell.window_png = ctx.scratch.window_png_path;
    ctx.shell.window_png_wait = 2;
  }
}

}  // namespace

void draw_menu_bar(UiContext& ctx) {
  if (!ImGui::BeginMainMenuBar()) return;
  record_window(ctx, "menu_bar");
  if (ImGui::BeginMenu("File")) {
    scenario_menu(ctx);
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) ctx.shell.quit = true;
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
    if (ImGui::MenuItem("Full screen", "F11")) ctx.shell.toggle_fullscreen = true;
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

void draw_message_bar(UiContext& ctx) {
  auto& entries = ctx.messages.entries();
  for (std::size_t k = 0; k < entries.size();) {
    auto& e = entries[k];
    ImGui::PushID(static_cast<int>(k));
    const ImVec4 colour = e.error ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImVec4(0.6f, 0.85f, 0.6f, 1.0f);
    bool dismiss = ImGui::SmallButton("x");
    ImGui::SameLine();
    ImGui::TextColored(colour, "%s %s", e.error ? "error:" : "", e.text.c_str());
    ImGui::PopID();
    if (e.frames_left > 0 && --e.frames_left == 0) dismiss = true;
    if (dismiss) {
      entries.erase(entries.begin() + static_cast<long>(k));
    } else {
      ++k;
    }
  }
}

void draw_status_bar(UiContext& ctx) {
  if (ctx.lesson.active()) {
    ImGui::Text("%s  |  step %d of %d", ctx.lesson.lesson().title.c_str(), ctx.state.lesson.step + 1,
                ctx.lesson.step_count());
    ImGui::SameLine();
    ImGui::TextDisabled("| frame %.1f ms", ctx.frame.frame_ms);
    return;
  }
  const auto& data = ctx.data;
  if (data && data->weights_only) {
    ImGui::Text("%zu weight matri%s of %ld x %ld (loaded)", data->weight_stack.size(),
                data->weight_stack.size() == 1 ? "x" : "ces", static_cast<long>(data->query_count()),
                static_cast<long>(data->key_count()));
  } else {
    if (data) {
      ImGui::Text("n=%ld  m=%ld  d=%ld", static_cast<long>(data->query_count()), static_cast<long>(data->key_count()),
                  static_cast<long>(data->dimension()));
      ImGui::SameLine();
    }
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::Text("%zu methods", ctx.state.attention.methods.size());
  }
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  if (ctx.result) {
    ImGui::Text("%s path, compute %.1f ms (%s)", compute_path_name(ctx.result->path), ctx.result->compute_ms,
                ctx.result->use_double ? "float64" : "float32");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "dense: every n x m matrix is held (up to %ld cells, fastest);\n"
          "streaming: weights are recomputed tile by tile from queries and keys, only the pixels are kept",
          static_cast<long>(kDenseMaxCells));
    }
  } else {
    ImGui::TextUnformatted(computing_text(ctx).c_str());
  }
  ImGui::SameLine();
  if (ctx.computing && ctx.result) {
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), " updating: %s", computing_text(ctx).c_str());
    ImGui::SameLine();
  } else if (ctx.overviews.busy()) {
    const ComputeProgress p = ctx.overviews.progress();
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), " pixels %.0f%% (%.1f s)", p.fraction * 100.0, p.seconds);
    ImGui::SameLine();
  } else if (!ctx.compute_error.empty() && ctx.result) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), " newest settings not computed (see the message)");
    ImGui::SameLine();
  }
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  ImGui::Text("frame %.1f ms", ctx.frame.frame_ms);
  if (data) {
    ImGui::SameLine();
    ImGui::TextDisabled("| %s", data->description.c_str());
  }
}

}  // namespace ax
