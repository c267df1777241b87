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
  // Replaces the state (a scenario); a data error keeps the current data and is reported.
  void load_state(const AppState& state);

  // Automation: wait until the newest state has been computed, chart included.
  void wait_for_results();
  bool results_current() const;

  // Layout, state and result summary for GUI tests and scripts.
  nlohmann::json report() const;

 private:
  void sync_data();
  void sync_compute();

  HeatmapCanvas& canvas_;
  AppState state_;
  DataController data_;
  ComputeService compute_;
  StudyService study_;
  HeatmapImages images_;
  Messages messages_;
  ShellRequests shell_;
  UiScratch scratch_;
  std::string submitted_key_;
  int frame_index_ = 0;
};

}  // namespace ax
