// The application's controller: owns the one state, the data it describes, the compute, study,
// overview and lesson services, the heatmap images, and every action: key and menu commands,
// the sweep of M and the animations (timed by its own clock), saves and exports. No GL and no
// ImGui: the panels draw and edit the state and call these actions, and tests and benchmarks
// drive it with no window at all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/compute_service.hpp"
#include "compute/loaded_data.hpp"
#include "compute/model_grid_cells.hpp"
#include "compute/streamed_row.hpp"
#include "compute/study_service.hpp"
#include "controller/heatmap_pictures.hpp"
#include "controller/key_map.hpp"
#include "controller/lesson_commands.hpp"
#include "controller/lesson_list.hpp"
#include "controller/messages.hpp"
#include "controller/sentence_controller.hpp"
#include "controller/shell_requests.hpp"
#include "controller/shift_sweep.hpp"
#include "lessons/lesson_session.hpp"
#include "state/app_state.hpp"

namespace ax {

// Seconds on a steady clock: the controller's time unless a test gives it its own.
double steady_seconds();

class AppController {
 public:
  // `clock` (seconds, never going back) times the sweep of M.
  using Clock = std::function<double()>;
  explicit AppController(AppState initial, Clock clock = steady_seconds);

  AppState& state() { return state_; }
  const AppState& state() const { return state_; }
  Messages& messages() { return messages_; }
  const Messages& messages() const { return messages_; }

  // Brings the data, the results and the lesson evaluation in step with the state: call it after
  // anything edits the state (it returns at once when nothing that matters changed).
  void sync();
  // One frame passed: the sweep of M moves by the clock's time since the last frame, the noise
  // animation draws anew every few frames, a playing propagation takes a step every 12.
  void advance_frame();
  int frame_index() const { return frame_index_; }

  // ---- Commands: the key map's (controller/key_map.hpp), from keys, menus and buttons alike.
  void command(Command command);
  bool sweeping() const { return sweep_.active(); }
  bool key_help_shown() const { return key_help_shown_; }
  // What the window must do (quit, full screen, a window PNG): served by the shell.
  ShellRequests& shell_requests() { return shell_; }
  // A PNG of the whole window, taken by the shell once the menu that asked has closed.
  void request_window_png(const std::string& path);

  // What the panels show.
  const std::shared_ptr<const LoadedData>& data() const { return data_.data(); }
  // Counts data loads (and replaced data settings), so views know when to refresh their copies.
  std::uint64_t data_generation() const { return data_generation_; }
  // The paths the data fields should show: the loaded ones, or after a failed load what was
  // typed (a typo is fixed, not retyped), with the paths that failed.
  const DataSettings& typed_data() const { return typed_data_; }
  const std::vector<std::string>& failed_paths() const { return failed_paths_; }
  std::shared_ptr<const ComputeResult> result() const { return compute_.result(); }
  std::shared_ptr<const InvarianceChart> chart() const { return compute_.chart(); }
  bool computing() const { return compute_.busy(); }
  // Why the newest computation failed (the previous results stay), else empty.
  std::string compute_error() const { return compute_.error(); }
  ComputeProgress progress() const { return compute_.progress(); }
  const StudyService& study() const { return study_; }
  // The model view's pictures of every layer and head (pooled, computed off the UI thread), or
  // null when no model file is open.
  std::shared_ptr<const ModelGridCells> model_grid_cells() const;
  // Streaming results: the selected row computed from the vectors (null while it computes), or
  // why it cannot be (a method that needs every row).
  std::shared_ptr<const RowInspection> streamed_row() const;
  std::string streamed_row_error() const { return streamed_rows_.error(); }
  const LessonSession& lesson() const { return lesson_; }
  std::shared_ptr<const StepEvaluation> evaluation() const { return lesson_.evaluation(); }
  // The sentence source's predictions and the language models' robustness chart.
  SentenceController& sentence() { return sentence_; }
  const SentenceController& sentence() const { return sentence_; }
  void start_robustness() { sentence_.start_robustness(state_.robustness); }

  // Files and scenarios. Errors go to messages() and the current state stays.
  void open_dropped_files(const std::vector<std::string>& paths);
  void open_scenario(const std::string& path);
  // Opens `path` at the next sync() (a menu asks during a frame; the frame ends on one state).
  void request_scenario(const std::string& path) { pending_scenario_ = path; }
  void save_scenario(const std::string& path);

  // Exports of the selected heatmap as shown (its mode and colour range). Errors go to messages().
  void export_matrix(const std::string& path);
  void export_heatmap_png(const std::string& path, const PngExtras& extras);
  // The method the row inspector and the exports use: the selected one, clamped to `result`'s.
  std::size_t selected_method(const ComputeResult& result) const;

  // ---- Pictures of the results: the images the heatmaps draw, the pooled overviews.
  HeatmapPictures& pictures() { return pictures_; }
  // Replaces the state (a scenario); a data error keeps the current data and is reported.
  void load_state(const AppState& state);

  // The Monte Carlo study of the current settings.
  void start_study();
  void cancel_study() { study_.cancel(); }

  // Lessons: open a file at its first step now.
  void open_lesson(const std::string& path);
  // Requests applied at the next sync() (panels ask during a frame): open a file, step forward
  // (revealing an answer first) and back, restart, close.
  void request_lesson(const std::string& path) { lesson_commands_.open = path; }
  void lesson_next() { lesson_commands_.next = true; }
  void lesson_previous() { lesson_commands_.previous = true; }
  void lesson_restart() { lesson_commands_.restart = true; }
  void lesson_close() { lesson_commands_.close = true; }
  // Jumps to step `step` (0-based) of the open lesson; `revealed` shows its answer at once.
  void lesson_go_to(int step, bool revealed);
  bool lesson_step_has_question() const;
  bool lesson_active() const { return lesson_.active(); }
  int lesson_step_count() const { return lesson_.step_count(); }
  // The open lesson's current step (its index clamped to the lesson), or null without a lesson.
  const LessonStep* current_step() const;
  // A lesson step asks a question whose answer is not shown yet: views hide their verdicts.
  bool answers_hidden() const { return lesson_step_has_question() && !state_.lesson.revealed; }
  // The lessons of assets/lessons/ with their titles, listed once.
  LessonList& lessons() { return lesson_list_; }
  // The state as JSON, as lesson texts read it for their placeholders (made again only when the
  // state changed).
  const nlohmann::json& state_json();

  // Automation: wait until the newest state has been computed, chart and lesson claims included.
  void wait_for_results();
  bool results_current() const;
  // Benchmarks: wait only for the results of the newest edit (not the chart or the lesson).
  void wait_for_weights() { compute_.wait_for_results(); }
  bool results_for_newest_edit() const;
  // How often each compute stage ran (tests of the staging).
  const StageCounts& stage_counts() const { return compute_.stage_counts(); }
  // Tests and automation: wait for the running study.
  void wait_for_study() { study_.wait(); }

  // State, result summary and messages, for GUI tests and scripts.
  nlohmann::json report() const;

 private:
  void sync_data();
  void sync_compute();
  void report_compute_error();
  void sync_streamed_row();
  // The selected method and row, clamped to the result's.
  std::pair<std::size_t, int> selected_row_of(const ComputeResult& result) const;
  void apply_lesson_commands();
  void go_to_step(int step);
  void move_shift(double by);
  void reset_perturbations();
  void step_model(int heads_by, int layers_by);
  void toggle_sweep();
  void advance_sweep(double seconds);
  void advance_propagation();
  void show_propagation_answer();

  AppState state_;
  Messages messages_;
  DataController data_;
  std::uint64_t data_generation_ = 0;
  DataSettings typed_data_;
  std::vector<std::string> failed_paths_;
  ComputeService compute_;
  StudyService study_;
  ModelGridService model_grid_;
  StreamedRowService streamed_rows_;
  SentenceController sentence_;
  LessonSession lesson_;
  LessonCommands lesson_commands_;
  // The inputs of each compute stage, as last submitted (see sync_compute).
  struct CleanInputs {
    std::uint64_t data_generation = 0;
    AttentionSettings attention;
    bool centre = false;
    bool operator==(const CleanInputs&) const = default;
  };
  struct PerturbedInputs {
    CleanInputs clean;
    NoiseSettings noise;
    bool versus_model = false;  // which difference the results' badges describe
    bool operator==(const PerturbedInputs&) const = default;
  };
  struct ChartInputs {
    CleanInputs clean;
    double shift_min = 0.0, shift_max = 0.0;
    bool operator==(const ChartInputs&) const = default;
  };
  std::optional<CleanInputs> submitted_clean_;
  std::optional<PerturbedInputs> submitted_perturbed_;
  std::optional<ChartInputs> submitted_chart_;
  std::uint64_t clean_generation_ = 0;
  std::string reported_error_;
  std::uint64_t reported_generation_ = 0;
  std::string opened_model_;          // path of the model file loaded last (its mask is adopted once)
  bool keep_step_attention_ = false;  // while a lesson step is loaded
  std::optional<std::string> pending_scenario_;
  Clock clock_;
  double last_frame_seconds_ = 0.0;
  int frame_index_ = 0;
  int frames_since_draw_ = 0;  // of the noise animation
  ShiftSweep sweep_;
  double swept_shift_ = 0.0;          // the M the sweep set last: an edit of M stops the sweep
  int propagation_answer_step_ = -1;  // lesson step whose answer already moved the propagation view
  bool key_help_shown_ = false;
  ShellRequests shell_;
  LessonList lesson_list_;
  HeatmapPictures pictures_;
  std::optional<AppState> json_state_;
  nlohmann::json state_json_;
};

}  // namespace ax
