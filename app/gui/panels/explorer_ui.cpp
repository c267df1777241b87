#include "panels/explorer_ui.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "imgui.h"
#include "panels/attention_panel.hpp"
#include "panels/chart_panels.hpp"
#include "panels/data_panel.hpp"
#include "panels/demo_controls.hpp"
#include "panels/heatmap_grid.hpp"
#include "panels/lesson_panel.hpp"
#include "panels/lesson_views.hpp"
#include "panels/menu_bar.hpp"
#include "panels/message_bar.hpp"
#include "panels/model_view.hpp"
#include "panels/noise_panel.hpp"
#include "panels/row_inspector.hpp"
#include "panels/sentence_panels.hpp"
#include "panels/status_bar.hpp"
#include "panels/ui_context.hpp"

namespace ax {
namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;

void place(float x, float y, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(std::max(w, 50.0f), std::max(h, 50.0f)));
}

// A bar of exactly this height (the panels' minimum of place() made a one-line bar 50 px and pushed
// the status bar 9 px out of a 720 px window).
void place_bar(float x, float y, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(w, h));
}

// The error bar and short notices, below the menu bar: returns its height.
float draw_messages_window(UiContext& ctx, float top) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  const int lines = message_bar_lines(ctx);
  if (lines == 0) return 0.0f;
  const float height = ImGui::GetFrameHeightWithSpacing() * static_cast<float>(lines) + 8.0f;
  place_bar(origin.x, top, size.x, height);
  ImGui::Begin("##messages", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar);
  record_window(ctx, "panel:messages");
  draw_message_bar(ctx);
  ImGui::End();
  return height;
}

void draw_status_window(UiContext& ctx, float top, float height) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  place_bar(origin.x, top, size.x, height);
  ImGui::Begin("##status", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  record_window(ctx, "panel:status");
  draw_status_bar(ctx);
  ImGui::End();
}

}  // namespace

ExplorerUi::ExplorerUi(HeatmapCanvas& canvas, AppController& app) : canvas_(canvas), app_(app) {
  refresh_typed_paths();
}

// The path fields show the loaded paths again whenever the data settings were replaced, and
// keep what was typed (marked as failed) when a load failed.
void ExplorerUi::refresh_typed_paths() {
  if (seen_data_generation_ == app_.data_generation()) return;
  seen_data_generation_ = app_.data_generation();
  const DataSettings& data = app_.typed_data();
  scratch_.typed = {data.vectors_path, data.keys_path, data.tokens_path, app_.failed_paths()};
}

void ExplorerUi::frame(const FrameStats& stats) {
  app_.advance_frame();
  app_.sync();
  refresh_typed_paths();
  UiContext ctx(app_, canvas_, scratch_, stats);
  // This frame's rectangles only: a widget not drawn is not reported.
  scratch_.drawn = FrameRecord{};

  // Presentation mode: the large font (loaded by the shell as the second font) and high contrast.
  ImFont* large = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  const bool presenting = ctx.state.view.presentation;
  if (presenting && large) ImGui::PushFont(large);
  if (presenting) {
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.0f, 0.0f, 0.0f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 1.0f, 1.0f, 1.0f));
  }

  // The whole viewport, laid out below the menu bar (WorkPos would only catch up next frame).
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  draw_menu_bar(ctx);
  const float status_height = std::max(ImGui::GetFrameHeightWithSpacing() + 4.0f,
                                       ImGui::GetTextLineHeight() + 2.0f * ImGui::GetStyle().WindowPadding.y);
  float top = viewport->Pos.y + ImGui::GetFrameHeight();
  top += draw_messages_window(ctx, top);
  const float bottom = viewport->Pos.y + viewport->Size.y - status_height;
  if (app_.lesson_active()) {
    draw_lesson_layout(ctx, top, bottom - top);
  } else {
    draw_explorer_layout(ctx, top, bottom - top);
  }
  draw_status_window(ctx, bottom, status_height);
  draw_key_help(ctx);
  if (presenting) ImGui::PopStyleColor(2);
  if (presenting && large) ImGui::PopFont();

  // Edits and requests of this frame's panels start now rather than next frame.
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
    if (ctx.data && ctx.data->sentence) {
      ImGui::Separator();
      draw_predictions_panel(ctx);
    }
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
    draw_lower_right(ctx);
  }
}

// Below the charts: the row inspector, or with a sentence its next-token predictions first.
void ExplorerUi::draw_lower_right(UiContext& ctx) {
  if (!ctx.data || !ctx.data->sentence) {
    ImGui::Begin("Row inspector###lower_right", nullptr, kPanelFlags);
    record_window(ctx, "panel:row_inspector");
    draw_row_inspector(ctx);
    ImGui::End();
    return;
  }
  ImGui::Begin("Next token###lower_right", nullptr, kPanelFlags);
  record_window(ctx, "panel:predictions");
  if (ImGui::BeginTabBar("lower_right_tabs")) {
    if (ImGui::BeginTabItem("Predictions")) {
      draw_predictions_panel(ctx);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Row inspector")) {
      draw_row_inspector(ctx);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

void ExplorerUi::draw_lesson_layout(UiContext& ctx, float top, float height) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  // Presenting, the lesson's text is in large type: a column of about 400 px cut answers off
  // mid-sentence at 1280 x 720. It takes 45% of the width from 1200 px (the figure shrinks instead).
  const bool presenting = app_.state().view.presentation;
  // At 1024 px the figure needs its 68% (heatmaps under 72 px otherwise); the type shrinks instead.
  const float left_width = std::clamp(size.x * (presenting && size.x >= 1200.0f ? 0.45f : 0.32f), 300.0f, 900.0f);
  place(origin.x, top, left_width, height);
  ImGui::Begin("Lesson", nullptr, kPanelFlags);
  record_window(ctx, "panel:lesson");
  draw_lesson_panel(ctx);
  ImGui::End();
  place(origin.x + left_width, top, size.x - left_width, height);
  ImGui::Begin(app_.current_step()->title.c_str(), nullptr, kPanelFlags);
  record_window(ctx, "panel:lesson_view");
  draw_lesson_view(ctx);
  ImGui::End();
}

nlohmann::json ExplorerUi::report() const {
  nlohmann::json out = app_.report();
  nlohmann::json layout = nlohmann::json::object();
  for (const auto& [name, rect] : scratch_.drawn.layout) layout[name] = {rect[0], rect[1], rect[2], rect[3]};
  out["layout"] = layout;
  nlohmann::json heatmaps = nlohmann::json::object();
  for (const auto& [name, info] : scratch_.drawn.heatmaps) heatmaps[name] = info;
  out["heatmaps"] = heatmaps;
  out["hover"] = scratch_.drawn.hover_text;
  return out;
}

}  // namespace ax
