#include "panels/explorer_ui.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "imgui.h"
#include "panels/panels.hpp"
#include "lessons/lesson_file.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;

void place(float x, float y, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(std::max(w, 50.0f), std::max(h, 50.0f)));
}

// The settings that change the numbers (not the view): a new value means a new computation.
std::string compute_key(const AppState& state, const LoadedData* data) {
  nlohmann::json all = scenario_to_json(state);
  nlohmann::json key = {{"attention", all["attention"]}, {"noise", all["noise"]},
                        {"chart", {state.view.chart_shift_min, state.view.chart_shift_max}},
                        {"centre", state.data.centre},
                        {"data", reinterpret_cast<std::uintptr_t>(data)}};
  for (const char* view_only : {"animate", "animate_frames", "study_draws"}) key["noise"].erase(view_only);
  return key.dump();
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

ExplorerUi::ExplorerUi(HeatmapCanvas& canvas, AppState initial) : canvas_(canvas) { load_state(std::move(initial)); }

void ExplorerUi::open_lesson(const std::string& path) {
  lesson_commands_.open = path;
  apply_lesson_commands();
}

void ExplorerUi::lesson_go_to(int step, bool revealed) {
  if (!lesson_.active()) return;
  go_to_step(step);
  state_.lesson.revealed = revealed;
}

bool ExplorerUi::lesson_step_has_question() const {
  if (!lesson_.active()) return false;
  const int step = std::clamp(state_.lesson.step, 0, lesson_.step_count() - 1);
  return !lesson_.lesson().steps[static_cast<std::size_t>(step)].question.empty();
}

void ExplorerUi::go_to_step(int step) {
  load_state(step_state(lesson_.lesson(), step, state_));
}

void ExplorerUi::apply_lesson_commands() {
  LessonCommands commands = std::exchange(lesson_commands_, LessonCommands{});
  if (commands.open) {
    try {
      lesson_.open(*commands.open);
      go_to_step(0);
    } catch (const std::exception& e) {
      messages_.error(e.what());
    }
  }
  if (commands.close) {
    lesson_.close();
    state_.lesson = LessonSettings{};
  }
  if (!lesson_.active()) return;
  const int step = std::clamp(state_.lesson.step, 0, lesson_.step_count() - 1);
  const LessonStep& current = lesson_.lesson().steps[static_cast<std::size_t>(step)];
  if (commands.next) {
    if (!current.question.empty() && !state_.lesson.revealed) {
      state_.lesson.revealed = true;
    } else if (step + 1 < lesson_.step_count()) {
      go_to_step(step + 1);
    }
  } else if (commands.previous && step > 0) {
    go_to_step(step - 1);
  } else if (commands.restart) {
    go_to_step(0);
  }
}

void ExplorerUi::load_state(const AppState& state) {
  state_ = state;
  // The state says which lesson is open (a saved session or scenario may be inside one).
  if (state_.lesson.path.empty()) {
    lesson_.close();
  } else if (!lesson_.active() || lesson_.lesson().path != state_.lesson.path) {
    try {
      lesson_.open(state_.lesson.path);
    } catch (const std::exception& e) {
      messages_.error(e.what());
      lesson_.close();
      state_.lesson = LessonSettings{};
    }
  }
  scratch_.vectors_path = state_.data.vectors_path;
  scratch_.keys_path = state_.data.keys_path;
  scratch_.tokens_path = state_.data.tokens_path;
  sync_data();
  sync_compute();
}

void ExplorerUi::open_scenario(const std::string& path) {
  try {
    load_state(load_scenario_file(path, AppState{}));
    messages_.info("opened scenario " + path);
  } catch (const std::exception& e) {
    messages_.error(e.what());  // the current state stays
  }
}

void ExplorerUi::open_dropped_files(const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  const std::string& path = paths.front();
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".json") {
    open_scenario(path);
    return;
  }
  state_.data.source = DataSource::File;
  state_.data.vectors_path = path;
  state_.data.keys_path = paths.size() > 1 ? paths[1] : "";
  scratch_.vectors_path = state_.data.vectors_path;
  scratch_.keys_path = state_.data.keys_path;
}

void ExplorerUi::sync_data() {
  std::string error;
  const DataSettings asked = state_.data;
  if (data_.update(state_.data, error)) {
    const auto& data = *data_.data();
    for (const std::string& notice : data.notices) messages_.info(notice);
    // A newly opened model file brings the mask the model used, so exp can reproduce its weights.
    const std::string model_path = data.model ? data.model->path : "";
    if (!model_path.empty() && model_path != opened_model_ && data.model->mask != "other") {
      state_.attention.mask = data.model->mask;
    }
    opened_model_ = model_path;
    state_.view.selected_row = std::clamp(state_.view.selected_row, 0, static_cast<int>(data.query_count()) - 1);
    if (error.empty()) {
      scratch_.vectors_path = state_.data.vectors_path;
      scratch_.keys_path = state_.data.keys_path;
      scratch_.failed_paths.clear();
    }
  }
  if (!error.empty()) {
    // The settings went back to the last good ones; the fields keep what was typed (a typo is
    // fixed, not retyped) and are marked as the paths that failed.
    scratch_.vectors_path = asked.vectors_path;
    scratch_.keys_path = asked.keys_path;
    scratch_.tokens_path = asked.tokens_path;
    scratch_.failed_paths = {asked.vectors_path, asked.keys_path, asked.tokens_path};
    messages_.error(error);
  }
}

std::string computing_text(const UiContext& ctx) {
  if (!ctx.compute_error.empty()) return "not computed: " + ctx.compute_error;
  char text[96];
  std::snprintf(text, sizeof text, "computing %s %.0f%% (%.1f s)", ctx.progress.stage.c_str(), ctx.progress.fraction * 100.0,
                ctx.progress.seconds);
  return text;
}

void ExplorerUi::report_compute_error() {
  const std::string error = compute_.error();
  const std::uint64_t generation = compute_.submitted_generation();
  if (error.empty() || (error == reported_error_ && generation == reported_generation_)) return;
  reported_error_ = error;
  reported_generation_ = generation;
  messages_.error(error);  // the previous results stay on screen
}

void ExplorerUi::sync_compute() {
  const std::string key = compute_key(state_, data_.data().get());
  if (key == submitted_key_) return;
  submitted_key_ = key;
  compute_.submit(make_compute_request(state_, data_.data()));
}

bool ExplorerUi::results_current() const {
  const auto result = compute_.result();
  return !compute_.busy() && result && compute_.chart();
}

void ExplorerUi::wait_for_results() {
  apply_lesson_commands();
  sync_data();
  sync_compute();
  lesson_.sync(state_, data_.data());
  compute_.wait_until_idle();
  lesson_.wait();
  scratch_.settle_overviews = true;
}

void ExplorerUi::frame(const FrameStats& stats) {
  ++frame_index_;
  if (state_.noise.animate && frame_index_ % std::max(state_.noise.animate_frames, 1) == 0) ++state_.noise.draw;
  apply_lesson_commands();
  sync_data();
  sync_compute();
  lesson_.sync(state_, data_.data());
  report_compute_error();
  scratch_.hover_text.clear();

  UiContext ctx{state_,    compute_.result(), compute_.chart(), data_.data(), compute_.busy(), compute_.error(),
                images_,   canvas_,           study_,          messages_,     shell_,          scratch_,
                stats,     lesson_,           lesson_.evaluation(), lesson_commands_,
                false,     compute_.progress(), overviews_};
  ctx.frame.frame_index = frame_index_;
  ctx.hide_answers = lesson_step_has_question() && !state_.lesson.revealed;
  // This frame's rectangles only: a widget not drawn is not reported.
  scratch_.layout.clear();
  scratch_.heatmaps.clear();
  apply_key_commands(ctx);

  // Presentation mode: the large font (loaded by the shell as the second font) and high contrast.
  ImFont* large = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  const bool presenting = state_.view.presentation;
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
  const float message_height = messages_.entries().empty() ? 0.0f
                                                           : line * static_cast<float>(messages_.entries().size()) + 8.0f;
  if (message_height > 0.0f) {
    place(origin.x, top, size.x, message_height);
    ImGui::Begin("##messages", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar);
    draw_message_bar(ctx);
    ImGui::End();
    top += message_height;
  }
  const float bottom = origin.y + size.y - status_height;
  if (lesson_.active()) {
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

  if (scratch_.scenario_to_open) open_scenario(*std::exchange(scratch_.scenario_to_open, std::nullopt));
  // Edits made by this frame's panels start computing now rather than next frame.
  apply_lesson_commands();
  sync_data();
  sync_compute();
  lesson_.sync(state_, data_.data());
}

void ExplorerUi::draw_explorer_layout(UiContext& ctx, float top, float height) {
  const ImVec2 origin = ImGui::GetMainViewport()->Pos, size = ImGui::GetMainViewport()->Size;
  // Presentation mode hides the controls: the audience sees the pictures.
  const bool presenting = state_.view.presentation;
  const float left_width = presenting ? 0.0f : std::clamp(size.x * 0.24f, 280.0f, 400.0f);
  const float right_width = state_.view.show_charts || presenting ? std::clamp(size.x * 0.31f, 300.0f, 560.0f) : 0.0f;
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
  const float model_height = model_view_height(ctx, centre_width - 2.0f * ImGui::GetStyle().WindowPadding.x, height * 0.36f);
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
    if (state_.view.show_charts) {
      ImGui::Separator();
      draw_chart_tabs(ctx, "charts");
    }
    ImGui::End();
    return;
  }
  if (state_.view.show_charts) {
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
  const LessonStep& step = lesson_.lesson().steps[static_cast<std::size_t>(
      std::clamp(state_.lesson.step, 0, lesson_.step_count() - 1))];
  ImGui::Begin(step.title.c_str(), nullptr, kPanelFlags);
  record_window(ctx, "panel:lesson_view");
  draw_lesson_view(ctx);
  ImGui::End();
}

nlohmann::json ExplorerUi::report() const {
  nlohmann::json out;
  out["state"] = scenario_to_json(state_);
  nlohmann::json layout = nlohmann::json::object();
  for (const auto& [name, rect] : scratch_.layout) layout[name] = {rect[0], rect[1], rect[2], rect[3]};
  out["layout"] = layout;
  nlohmann::json heatmaps = nlohmann::json::object();
  for (const auto& [name, info] : scratch_.heatmaps) heatmaps[name] = info;
  out["heatmaps"] = heatmaps;
  if (const auto result = compute_.result()) {
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& m : result->methods) {
      methods.push_back({{"spec", m.spec},
                         {"error", m.error},
                         {"max_abs_diff", m.deviation.max_abs_diff},
                         {"undefined_clean", m.clean.rows.empty() ? 0 : m.clean.undefined_count()},
                         {"undefined_perturbed", m.perturbed.rows.empty() ? 0 : m.perturbed.undefined_count()}});
      if (result->has_reference && !m.is_reference) methods.back()["max_abs_vs_model"] = m.vs_reference.max_abs_diff;
    }
    out["results"] = {{"queries", result->queries}, {"keys", result->keys}, {"methods", methods},
                      {"compute_ms", result->compute_ms}};
    if (result->has_reference) out["results"]["exp_vs_model"] = result->exp_vs_reference.max_abs_diff;
  }
  std::vector<std::string> messages;
  for (const auto& entry : messages_.entries()) messages.push_back(entry.text);
  out["messages"] = messages;
  out["hover"] = scratch_.hover_text;
  out["overview_ms"] = overviews_.last_job_ms();
  return out;
}

}  // namespace ax
