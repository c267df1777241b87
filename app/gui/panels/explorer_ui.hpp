// The whole user interface for one frame: lays out the panels, keeps the data and the results in
// step with the state, and hands the engine work to the compute service. Contains no GL: the
// heatmap canvas it draws through is given to it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/compute_service.hpp"
#include "model/loaded_data.hpp"
#include "model/study_service.hpp"
#include "panels/ui_context.hpp"

namespace ax {

class ExplorerUi {
 public:
  ExplorerUi(HeatmapCanvas& canvas, AppState initial);

  // Builds every window of one frame (between ImGui::NewFrame and ImGui::Render).
  void frame(const FrameStats& stats);

  AppState& state() { return state_; }
  Messages& messages() { return messages_; }
  ShellRequests& shell_requests() { return shell_; }
  void open_dropped_files(const std::vector<std::string>& paths);
  // Loads a scenario file; on any error the current state stays and the error bar says why.
  void open_scenario(const std::string& path);
  // Replaces the state (a scenario); a data error keeps the current data and is reported.
  void load_state(const AppState& state);

  // Lessons: open a file at its first step; step forward (revealing an answer first) and back.
  void open_lesson(const std::string& path);
  void lesson_next() { lesson_commands_.next = true; }
  // Jumps to step `step` (0-based) of the open lesson; `revealed` shows its answer at once.
  void lesson_go_to(int step, bool revealed);
  bool lesson_step_has_question() const;
  void lesson_previous() { lesson_commands_.previous = true; }
  void toggle_presentation() { state_.view.presentation = !state_.view.presentation; }
  // A command of the key map (panels/key_map.hpp), applied at the start of the next frame.
  void command(Command c) { scratch_.commands.push_back(c); }
  bool lesson_active() const { return lesson_.active(); }
  int lesson_step_count() const { return lesson_.step_count(); }

  // Automation: wait until the newest state has been computed, chart and lesson claims included.
  void wait_for_results();
  bool results_current() const;
  bool results_busy() const { return compute_.busy(); }

  // Layout, state and result summary for GUI tests and scripts.
  nlohmann::json report() const;

 private:
  void sync_data();
  void sync_compute();
  void report_compute_error();
  void apply_lesson_commands();
  void go_to_step(int step);
  void draw_explorer_layout(UiContext& ctx, float top, float height);
  void draw_lesson_layout(UiContext& ctx, float top, float height);

  HeatmapCanvas& canvas_;
  AppState state_;
  DataController data_;
  ComputeService compute_;
  StudyService study_;
  HeatmapImages images_;
  OverviewService overviews_;
  Messages messages_;
  ShellRequests shell_;
  UiScratch scratch_;
  LessonSession lesson_;
  LessonCommands lesson_commands_;
  std::string submitted_key_;
  std::string reported_error_;
  std::uint64_t reported_generation_ = 0;
  std::string opened_model_;  // path of the model file loaded last (its mask is adopted once)
  int frame_index_ = 0;
};

}  // namespace ax
