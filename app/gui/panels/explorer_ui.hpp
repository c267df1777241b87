// The whole user interface for one frame: lays out the panels over the controller's state and
// results. Holds only drawing and editing state (text being typed, widget rectangles); loading,
// computing, pictures, lessons and every action belong to the AppController. Contains no GL: the
// heatmap canvas it draws through is given to it.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "controller/app_controller.hpp"
#include "panels/ui_context.hpp"

namespace ax {

class ExplorerUi {
 public:
  ExplorerUi(HeatmapCanvas& canvas, AppController& app);

  // Advances the controller by one frame and builds every window of the frame (between
  // ImGui::NewFrame and ImGui::Render).
  void frame(const FrameStats& stats);

  AppController& app() { return app_; }

  // The controller's report plus what this frame drew: widget rectangles, heatmaps, hover text.
  nlohmann::json report() const;
  // The panels' own state between frames (tests set what a click would).
  UiScratch& scratch() { return scratch_; }

 private:
  void refresh_typed_paths();
  void draw_explorer_layout(UiContext& ctx, float top, float height);
  void draw_lower_right(UiContext& ctx);
  void draw_lesson_layout(UiContext& ctx, float top, float height);

  HeatmapCanvas& canvas_;
  AppController& app_;
  UiScratch scratch_;
  std::uint64_t seen_data_generation_ = 0;
};

}  // namespace ax
