#include "shell/layout_walk.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "attn/io/atomic_file.hpp"
#include "imgui.h"
#include "panels/explorer_ui.hpp"
#include "render/gl_heatmap_canvas.hpp"
#include "render/window_capture.hpp"
#include "shell/window.hpp"

namespace ax {
namespace {

// Frames per layout: the first lays out at the new size, the next ones settle what depends on
// the previous frame (scroll bars, auto-sized windows); the last is the one recorded.
constexpr int kFramesPerLayout = 3;

struct Walker {
  ExplorerUi& ui;
  Window& window;
  GlHeatmapCanvas& canvas;
  const LayoutWalkOptions& options;
  nlohmann::json entries = nlohmann::json::array();

  // Renders the current state at every size in both modes and records each.
  void record_all(const std::string& view, int step, bool revealed) {
    ui.app().wait_for_results();
    for (const auto& size : options.sizes) {
      for (const bool presenting : {false, true}) {
        ui.app().state().view.presentation = presenting;
        window.set_size(size[0], size[1]);
        char name[160];
        std::snprintf(name, sizeof name, "%s-%dx%d%s%s%s.png", view.c_str(), size[0], size[1],
                      step > 0 ? ("-step" + std::to_string(step)).c_str() : "", revealed ? "-answer" : "",
                      presenting ? "-presenting" : "");
        const std::string png = (std::filesystem::path(options.directory) / name).string();
        FrameStats stats;
        for (int frame = 0; frame < kFramesPerLayout; ++frame) {
          const bool last = frame + 1 == kFramesPerLayout;
          window.begin_frame();
          ui.frame(stats);
          window.end_frame([&] { canvas.flush(); },
                           [&](int width, int height) {
                             if (last && options.screenshots) capture_window_png(png, width, height);
                           });
        }
        const auto geometry = window.geometry();
        nlohmann::json report = ui.report();
        nlohmann::json entry = {{"view", view},
                                {"step", step},
                                {"revealed", revealed},
                                {"presentation", presenting},
                                {"size", {size[0], size[1]}},
                                {"window", {geometry[2], geometry[3]}},
                                {"layout", report["layout"]},
                                {"heatmaps", report["heatmaps"]},
                                {"messages", report["messages"]}};
        if (options.screenshots) entry["screenshot"] = png;
        entries.push_back(std::move(entry));
      }
    }
    ui.app().state().view.presentation = false;
  }
};

}  // namespace

int walk_layouts(ExplorerUi& ui, Window& window, GlHeatmapCanvas& canvas, const LayoutWalkOptions& options) {
  std::filesystem::create_directories(options.directory);
  Walker walker{ui, window, canvas, options};
  walker.record_all("explorer", 0, false);
  for (const std::string& path : options.lessons) {
    ui.app().open_lesson(path);
    if (!ui.app().lesson_active()) {
      std::cerr << "error: " << path << ": the lesson could not be opened\n";
      return 3;
    }
    const std::string name = std::filesystem::path(path).stem().string();
    for (int step = 0; step < ui.app().lesson_step_count(); ++step) {
      for (const bool revealed : {false, true}) {
        ui.app().lesson_go_to(step, revealed);
        if (revealed && !ui.app().lesson_step_has_question()) break;
        walker.record_all(name, step + 1, revealed);
      }
    }
  }
  const std::string path = (std::filesystem::path(options.directory) / "layouts.json").string();
  try {
    attn::write_json_atomically(path, walker.entries, 1);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
  std::cout << path << ": " << walker.entries.size() << " layouts\n";
  return 0;
}

}  // namespace ax
