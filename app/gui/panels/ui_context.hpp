// What every panel receives: the one application state to read and edit, the latest results to
// show, and the controller for commands (run a study, lesson steps). Panels compute no attention:
// they edit `state` and the controller submits work when it changes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/heatmap_overviews.hpp"
#include "compute/shift_sweep.hpp"
#include "controller/app_controller.hpp"
#include "figures/heatmap_images.hpp"
#include "panels/key_map.hpp"
#include "widgets/heatmap_canvas.hpp"

namespace ax {

// Requests for the window shell (things that need the window or GL, which panels never touch).
struct ShellRequests {
  // Capture the whole window once `window_png_wait` more frames have been shown, so the menu the
  // request came from has closed (a capture at the end of the click's frame shows it open).
  std::optional<std::string> window_png;
  int window_png_wait = 0;
  bool quit = false;
  bool toggle_fullscreen = false;
};

// UI-only transient state: text being typed, hover state. Not part of the scenario.
struct UiScratch {
  std::string scenario_path = "scenario.json";
  std::optional<std::string> scenario_to_open;  // File > Open scenario, applied after the frame's panels
  std::string export_path = "weights.npy";
  std::string png_path = "heatmap.png";
  std::string window_png_path = "window.png";
  int png_scale = 8;
  bool png_colour_bar = true;  // heatmap PNG: a colour bar with its values
  bool png_title = true;       // heatmap PNG: the heatmap's title (method, mode, layer and head)
  bool png_badge = true;       // heatmap PNG: the invariance badge shown on screen
  std::string vectors_path, keys_path, tokens_path;
  std::vector<std::string> failed_paths;  // typed paths whose loading failed (shown in red)
  std::string new_method = "custom:exp(2*z)";
  std::map<std::string, std::string> method_errors;  // spec -> parse error (live)
  // Screen rectangles of widgets that tests and reports locate: name -> (x0, y0, x1, y1).
  std::map<std::string, std::array<float, 4>> layout;
  // What each heatmap shows this frame (method, mode, colour range), for reports and tests.
  std::map<std::string, nlohmann::json> heatmaps;
  bool dragging_heatmap = false;
  bool settle_overviews = false;  // automation: the next frame waits for the pooled pictures
  std::string hover_text;         // the heatmap readout under the pointer this frame (reports and tests)
  int dragging_point = -1;        // index of the 2-D point being dragged
  int source_choice = -1;         // data source radio (the file choice waits for a path)
  // The model view's cells as images (they must live until the canvas draws them).
  std::shared_ptr<const ModelGrid> model_cells_of;
  std::vector<HeatmapImage> model_cells;
  int propagation_answer_step = -1;           // lesson step whose answer already moved the propagation view
  std::vector<Command> commands;              // key presses the shell passed on, applied at the next frame
  ShiftSweep sweep;                           // the S key's sweep of M, while it runs
  bool show_help = false;                     // the list of keys (H)
  std::optional<AppState> placeholder_state;  // the lesson text's placeholders read this state
  nlohmann::json placeholder_json;            // ... serialised (once per change, not per frame)
};

struct FrameStats {
  double frame_ms = 0.0;
  int frame_index = 0;
};

struct UiContext {
  AppController& app;  // commands beyond editing the state
  AppState& state;
  std::shared_ptr<const ComputeResult> result;   // null until the first results arrive
  std::shared_ptr<const InvarianceChart> chart;  // null while the chart is being computed
  std::shared_ptr<const LoadedData> data;
  bool computing = false;
  std::string compute_error;  // the newest request failed: why (the previous results stay)
  HeatmapImages& images;
  HeatmapCanvas& canvas;
  const StudyService& study;
  Messages& messages;
  ShellRequests& shell;
  UiScratch& scratch;
  FrameStats frame;
  const LessonSession& lesson;
  std::shared_ptr<const StepEvaluation> evaluation;  // of the current lesson step, may be null
  LessonCommands& lesson_commands;
  // A lesson step asks a question whose answer is not shown yet: views hide their verdicts.
  bool hide_answers = false;
  ComputeProgress progress;    // of the running computation
  OverviewService& overviews;  // pooled pictures of the heatmaps in view
};

// Records a widget's screen rectangle under `name` (call right after the widget).
void record_layout(UiContext& ctx, const std::string& name);
// Records the current window's rectangle under `name`.
void record_window(UiContext& ctx, const std::string& name);

// "computing weights 40% (2.1 s)", or why the newest computation failed: never a bare
// "computing..." that could last for ever.
std::string computing_text(const UiContext& ctx);

}  // namespace ax
