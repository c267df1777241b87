// What every panel receives for one frame: the controller (the state to edit and every action),
// what to show (taken from the controller once, at the frame's start, so a result that arrives
// while the frame is drawn waits for the next one), the canvas the heatmaps draw through, and the
// panels' own scratch state. Panels compute nothing: they edit `state` and call the controller.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/app_controller.hpp"
#include "widgets/heatmap_canvas.hpp"

namespace ax {

// The paths and options the File and Export menus show (typed; bookworm has no file dialog).
struct MenuPaths {
  std::string scenario = "scenario.json";
  std::string matrix = "weights.npy";
  std::string png = "heatmap.png";
  std::string window_png = "window.png";
  PngExtras png_extras;  // pixels per cell, colour bar, title, badge
};

// The data panel's path fields: what is typed, and which typed paths failed to load (in red).
struct TypedPaths {
  std::string vectors, keys, tokens;
  std::vector<std::string> failed;
};

// What this frame drew, for reports and tests: widget rectangles by name (x0, y0, x1, y1), what
// each heatmap shows (method, mode, colour range), and the readout under the pointer.
struct FrameRecord {
  std::map<std::string, std::array<float, 4>> layout;
  std::map<std::string, nlohmann::json> heatmaps;
  std::string hover_text;
};

// The panels' own state between frames: text being typed, drags. Not part of the scenario.
struct UiScratch {
  MenuPaths menu;
  TypedPaths typed;
  FrameRecord drawn;
  std::string new_method = "custom:exp(2*z)";
  int source_choice = -1;  // the data source radio (the file choice waits for a path)
  std::string sentence;    // the sentence being typed (committed on Enter or when the field is left)
  bool editing_sentence = false;
  bool robustness_against_noise = false;  // the robustness chart's plot when only one fits: s_g, else M
  bool dragging_heatmap = false;
  bool messages_expanded = false;  // every message on its own line, not only the latest
  int dragging_point = -1;         // index of the 2-D point being dragged
  // The smallest heatmap side of a lesson step's view drawn with its charts, and at which size
  // of the view and how many heatmaps: the view chooses tabs when that side is too small.
  struct SplitMeasure {
    float width = 0.0f, height = 0.0f, side = 0.0f;
    std::size_t maps = 0;
  } lesson_split;
};

struct FrameStats {
  double frame_ms = 0.0;  // how long the previous frame took
};

struct UiContext {
  // Everything else is taken from `app`.
  UiContext(AppController& controller, HeatmapCanvas& heatmap_canvas, UiScratch& ui_scratch, const FrameStats& stats);

  AppController& app;
  AppState& state;  // app.state(): what the panels edit
  HeatmapCanvas& canvas;
  UiScratch& scratch;
  const FrameStats frame;
  // What to show this frame.
  const std::shared_ptr<const ComputeResult> result;       // null until the first results arrive
  const std::shared_ptr<const InvarianceChart> chart;      // null while the chart is computed
  const std::shared_ptr<const LoadedData> data;            // null when nothing could be loaded
  const std::shared_ptr<const StepEvaluation> evaluation;  // of the current lesson step, may be null
  const bool hide_answers;                                 // a lesson question is open: views hide what would answer it
};

// Records a widget's screen rectangle under `name` (call right after the widget).
void record_layout(UiContext& ctx, const std::string& name);
// Records the current window's rectangle under `name`.
void record_window(UiContext& ctx, const std::string& name);

// "computing weights 40% (2.1 s)", or why the newest computation failed: never a bare
// "computing..." that could last for ever.
std::string computing_text(const UiContext& ctx);

}  // namespace ax
