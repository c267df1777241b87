// The whole user interface for one frame: lays out the panels over the controller's state and
// results. Holds only drawing and editing state (text being typed, cached images, widget
// rectangles); loading, computing and lessons belong to the AppController. Contains no GL: the
// heatmap canvas it draws through is given to it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/app_controller.hpp"
#include "panels/ui_context.hpp"

namespace ax {

class ExplorerUi {
 public:
  ExplorerUi(HeatmapCanvas& canvas, AppController& app);

  // Builds every window of one frame (between ImGui::NewFrame and ImGui::Render).
  void frame(const FrameStats& stats);

  AppController& app() { return app_; }
  ShellRequests& shell_requests() { return shell_; }

  // A command of the key map (panels/key_map.hpp), applied at the start of the next frame.
  void command(Command c) { scratch_.commands.push_back(c); }
  // Automation: the controller's wait, and the next frame waits for the pooled pictures too.
  void wait_for_results();

  // The controller's report plus what this frame drew: widget rectangles, heatmaps, hover text.
  nlohmann::json report() const;

 private:
  void refresh_typed_paths();
  void draw_explorer_layout(UiContext& ctx, float top, float height);
  void draw_lesson_layout(UiContext& ctx, float top, float height);

  HeatmapCanvas& canvas_;
  AppController& app_;
  HeatmapImages images_;
  OverviewService overviews_;
  ShellRequests shell_;
  UiScratch scratch_;
  std::uint64_t seen_data_generation_ = 0;
};

}  // namespace ax
