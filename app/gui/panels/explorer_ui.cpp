#include "panels/explorer_ui.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "imgui.h"
#include "panels/panels.hpp"

namespace ax {
namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;

void place(float x, float y, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(std::max(w, 50.0f), std::max(h, 50.0f)));
}

}  // namespace

void record_layout(UiContext& ctx, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.scratch.layout[name] = {a.x, a.y, b.x, b.y};
}

void record_window(UiContext& ctx, const std::string& name) {
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  ctx.scratch.layout[name] = {a.x, a.y, a.x + size.x, a.y + size.y};
}

ExplorerUi::ExplorerUi(HeatmapCanvas& canvas, AppController& app) : canvas_(canvas), app_(app) {
  refresh_typed_paths();
}

std::string computing_text(const UiContext& ctx) {
  if (!ctx.compute_error.empty()) return "not computed: " + ctx.compute_error;
  char text[96];
  std::snprintf(text, sizeof text, "computing %s %.0f%% (%.1f s)", ctx.progress.stage.c_str(),
                ctx.progress.fraction * 100.0, ctx.progress.seconds);
  return text;
}

// The path fields show the loaded paths again whenever the data settings were replaced, and
// keep what was typed (marked as failed) when a load failed.
void ExplorerUi::refresh_typed_paths() {
  if (seen_data_generation_ == app_.data_generation()) return;
  seen_data_generation_ = app_.data_generation();
  const DataSettings& data = app_.typed_data();
  scratch_.vectors_path = data.vectors_path;
  scratch_.keys_path = data.keys_path;
  scratch_.tokens_path = data.tokens_path;
  scratch_.failed_paths = app_.failed_paths();
}

void ExplorerUi::wait_for_results() {
  app_.wait_for_results();
  scratch_.settle_overviews = true;
}

void ExplorerUi::frame(const FrameStats& stats) {
  app_.advance_frame();
  app_.sync();
  refresh_typed_paths();
  scratch_.hover_text.clear();

  AppState& state = app_.state();
  UiContext ctx{app_,
                state,
                app_.result(),
                app_.chart(),
                app_.data(),
                app_.computing(),
                app_.compute_error(),
                images_,
                canvas_,
                app_.study(),
                app_.messages(),
                shell_,
                scratch_,
                stats,
                app_.lesson(),
                app_.evaluation(),
                app_.lesson_commands(),
                false,
                app_.progress(),
                overviews_};
  ctx.frame.frame_index = app_.frame_index();
  ctx.hide_answers = app_.answers_hidden();
  // This frame's rectangles only: a widget not drawn is not reported.
  scratch_.layout.clear();
  scratch_.heatmaps.clear();
  apply_key_commands(ctx);

  // Presentation mode: the large font (loaded by the shell as the second font) and high contrast.
  ImFont* large = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  const bool presenting = state.view.presentation;
  if (presenting && large) ImGui::PushFont(large);
  if (presenting) {
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.0f, 0.0f, 0.0f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 1.0f, 1.0f, 1.0f));
  }

  // The whole viewport, laid out below the menu bar (WorkPos would only catch up next frame).
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 origin = viewport->Pos, size = viewport->Size;
  const float line = ImGui::GetFrameHeightWithSpacing();
  draw_menu_bar(ctx);

  const float status_height = line + 4.0f;
  float top = origin.y + ImGui::GetFrameHeight();
  const auto& messages = app_.messages().entries();
  const float message_height = messages.empty() ? 0.0f : line * static_cast<float>(messages.size()) + 8.0f;
  if (message_height > 0.0f) {
    place(origin.x, top, size.x, message_height);
    ImGui::Begin("##messages", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar);
    draw_message_bar(ctx);
    ImGui::End();
    top += message_height;
  }
  const float bottom = origin.y + size.y - status_height;
  if (app_.lesson_active()) {
    draw_lesson_layout(ctx, top, bottom - top);
  } else {
    draw_explorer_layout(ctx, top, bottom - top);
  }

  place(origin.x, bottom, size.x, status_height);
  ImGui::Begin("##status", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  record_window(ctx, "panel:status");
  draw_status_bar(ctx);
  ImGui::End();

  draw_key_help(ctx);
  if (presenting) ImGui::PopStyleColor(2);
  if (presenting && large) ImGui::PopFont();

  if (scratch_.scenario_to_open) app_.open_scenario(*std::exchange(scratch_.scenario_to_open, std::nullopt));
  // Edits made by this frame's panels start computing now rather than next frame.
  app_.sync();
  refresh_typed_paths();
}

void ExplorerUi::draw_explorer_layout(UiContext& ctx, float top, float height) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  // Presentation mode hides the controls: the audience sees the pictures.
  const bool presenting = app_.state().view.presentation;
  const float left_width = presenting ? 0.0f : std::clamp(size.x * 0.24f, 280.0f, 400.0f);
  const float right_width =
      app_.state().view.show_charts || presenting ? std::clamp(size.x * 0.31f, 300.0f, 560.0f) : 0.0f;
  const float centre_width = size.x - left_width - right_width;

  if (!presenting) {
    place(origin.x, top, left_width, height);
    ImGui::Begin("Controls", nullptr, kPanelFlags);
    record_window(ctx, "panel:controls");
    ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.58f);
    if (ImGui::CollapsingHeader("Data", ImGuiTreeNodeFlags_DefaultOpen)) draw_data_panel(ctx);
    if (ImGui::CollapsingHeader("Attention", ImGuiTreeNodeFlags_DefaultOpen)) draw_attention_panel(ctx);
    if (ImGui::CollapsingHeader("Noise", ImGuiTreeNodeFlags_DefaultOpen)) draw_noise_panel(ctx);
    ImGui::PopItemWidth();
    ImGui::End();
  }

  // A model file puts the model view (every layer and head) above the heatmaps of the open head.
  const float model_height =
      model_view_height(ctx, centre_width - 2.0f * ImGui::GetStyle().WindowPadding.x, height * 0.36f);
  if (model_height > 0.0f) {
    place(origin.x + left_width, top, centre_width, model_height);
    ImGui::Begin("Model: every layer and head", nullptr, kPanelFlags);
    draw_model_view(ctx);
    ImGui::End();
  }
  place(origin.x + left_width, top + model_height, centre_width, height - model_height);
  const std::string heatmaps_title =
      ctx.data && ctx.data->model
          ? "Heatmaps: " + ctx.data->model->head_name(ctx.data->layer, ctx.data->head) + "###Heatmaps"
          : std::string("Heatmaps");
  // Presenting, every pixel goes to the heatmaps: no title bar.
  ImGui::Begin(heatmaps_title.c_str(), nullptr, kPanelFlags | (presenting ? ImGuiWindowFlags_NoTitleBar : 0));
  record_window(ctx, "panel:heatmaps");
  draw_heatmap_grid(ctx);
  ImGui::End();

  if (presenting) {
    // The demo's controls beside the heatmaps, the invariance chart below them.
    place(origin.x + centre_width, top, right_width, height);
    ImGui::Begin("Demo", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar);
    record_window(ctx, "panel:demo");
    draw_demo_controls(ctx);
    if (app_.state().view.show_charts) {
      ImGui::Separator();
      draw_chart_tabs(ctx, "charts");
    }
    ImGui::End();
    return;
  }
  if (app_.state().view.show_charts) {
    const float chart_height = height * 0.46f;
    place(origin.x + left_width + centre_width, top, right_width, chart_height);
    ImGui::Begin("Charts", nullptr, kPanelFlags);
    record_window(ctx, "panel:charts");
    draw_chart_tabs(ctx, "charts");
    ImGui::End();
    place(origin.x + left_width + centre_width, top + chart_height, right_width, height - chart_height);
    ImGui::Begin("Row inspector", nullptr, kPanelFlags);
    record_window(ctx, "panel:row_inspector");
    draw_row_inspector(ctx);
    ImGui::End();
  }
}

void ExplorerUi::draw_lesson_layout(UiContext& ctx, float top, float height) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  const float left_width = std::clamp(size.x * 0.32f, 300.0f, 900.0f);
  place(origin.x, top, left_width, height);
  ImGui::Begin("Lesson", nullptr, kPanelFlags);
  record_window(ctx, "panel:lesson");
  draw_lesson_panel(ctx);
  ImGui::End();
  place(origin.x + left_width, top, size.x - left_width, height);
  const LessonStep& step = app_.lesson().lesson().steps[static_cast<std::size_t>(
      std::clamp(app_.state().lesson.step, 0, app_.lesson_step_count() - 1))];
  ImGui::Begin(step.title.c_str(), nullptr, kPanelFlags);
  record_window(ctx, "panel:lesson_view");
  draw_lesson_view(ctx);
  ImGui::End();
}

nlohmann::json ExplorerUi::report() const {
  nlohmann::json out = app_.report();
  nlohmann::json layout = nlohmann::json::object();
  for (const auto& [name, rect] : scratch_.layout) layout[name] = {rect[0], rect[1], rect[2], rect[3]};
  out["layout"] = layout;
  nlohmann::json heatmaps = nlohmann::json::object();
  for (const auto& [name, info] : scratch_.heatmaps) heatmaps[name] = info;
  out["heatmaps"] = heatmaps;
  out["hover"] = scratch_.hover_text;
  out["overview_ms"] = overviews_.last_job_ms();
  return out;
}

}  // namespace ax
