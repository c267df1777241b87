// attention-explorer: the desktop app.
//
//   attention-explorer [--scenario FILE] [--size WxH] [--frames N] [--screenshot out.png]
//                      [--report out.json] [--ready-file F] [--no-session]
//
// With --frames the app renders N frames (waiting for the engine before the last one), writes
// the screenshot and report, and exits 0: tests and slide-making use this. Without it, the app
// runs until closed (Ctrl+Q), restoring the last session at start and saving it at exit; a
// screenshot is then taken of the last frame before closing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>

#include <CLI/CLI.hpp>

#include "attn/base/safe_text.hpp"
#include "attn/io/atomic_file.hpp"
#include "controller/app_controller.hpp"
#include "imgui.h"
#include "lessons/claim_docs.hpp"
#include "lessons/lesson_file.hpp"
#include "panels/explorer_ui.hpp"
#include "panels/frame_guard.hpp"
#include "render/gl_heatmap_canvas.hpp"
#include "render/window_capture.hpp"
#include "shell/layout_walk.hpp"
#include "shell/session.hpp"
#include "shell/window.hpp"
#include "state/scenario_file.hpp"

namespace {

struct Options {
  std::string scenario;
  std::string size = "1280x800";
  int frames = 0;
  std::string screenshot;
  std::string report;
  std::string ready_file;
  bool no_session = false;
  std::string lesson;  // open this lesson file
  int step = 1;        // at this step (1-based)
  std::string walk;    // render every step of the lesson into this directory, then exit
  bool presentation = false;
  std::string layout_walk;  // render every view at every size of `layout_sizes` into this directory
  std::string layout_sizes = "1024x768,1280x720,1366x768,1920x1080";
  bool layout_screenshots = false;
};

// Where each frame's time went: building the UI (events, controller sync, panels), uploading
// heatmap values, rendering (heatmap framebuffers and ImGui's draw lists), swapping.
struct FrameTimes {
  std::vector<double> total, ui, upload, render, swap;
};

// Frame times of the run, without the first frames (start-up, font atlas, first upload).
nlohmann::json frame_summary(std::vector<double> ms) {
  constexpr std::size_t kSkip = 5;
  if (ms.size() <= kSkip) return nullptr;
  ms.erase(ms.begin(), ms.begin() + kSkip);
  std::sort(ms.begin(), ms.end());
  return {{"count", ms.size()},
          {"median_ms", ms[ms.size() / 2]},
          {"p95_ms", ms[ms.size() * 95 / 100]},
          {"max_ms", ms.back()}};
}

void write_report(const std::string& path, const ax::ExplorerUi& ui, const ax::Window& window,
                  const FrameTimes& times) {
  nlohmann::json report = ui.report();
  report["frames"] = frame_summary(times.total);
  report["frame_times"] = {{"ui", frame_summary(times.ui)},
                           {"upload", frame_summary(times.upload)},
                           {"render", frame_summary(times.render)},
                           {"swap", frame_summary(times.swap)}};
  const auto g = window.geometry();
  report["window"] = {{"x", g[0]}, {"y", g[1]}, {"width", g[2]}, {"height", g[3]}};
  report["renderer"] = window.renderer_description();
  attn::write_json_atomically(path, report);
}

// Builds and shows one frame. `before_ui` runs once the window's events are in (keys, drops);
// `after_render(width, height)` runs with the frame still in the back buffer (screenshots).
// With `times`, records where the frame's time went.
void render_frame(ax::ExplorerUi& ui, ax::Window& window, ax::GlHeatmapCanvas& canvas, const ax::FrameStats& stats,
                  const std::function<void()>& before_ui, const std::function<void(int, int)>& after_render,
                  FrameTimes* times = nullptr) {
  const auto start = std::chrono::steady_clock::now();
  window.begin_frame();
  // An exception escaping the UI code restores the last good state and shows in the message bar.
  ax::run_guarded_frame(ui.app().state(), ui.app().messages(), [&] {
    if (before_ui) before_ui();
    ui.frame(stats);
  });
  const double ui_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const ax::Window::EndFrameTimes end = window.end_frame([&] { canvas.flush(); }, after_render);
  if (!times) return;
  times->ui.push_back(ui_ms);
  times->upload.push_back(canvas.last_upload_ms());
  times->render.push_back(end.before_render_ms - canvas.last_upload_ms() + end.render_ms);
  times->swap.push_back(end.swap_ms);
}

// Renders every step of the open lesson (before and after its answer is shown) into `directory`
// as step01.png, step01-answer.png, ...: slides for a teacher, pictures for the lesson smoke test.
int walk_lesson(ax::ExplorerUi& ui, ax::Window& window, ax::GlHeatmapCanvas& canvas, const std::string& directory) {
  ax::AppController& app = ui.app();
  std::filesystem::create_directories(directory);
  const int steps = app.lesson_step_count();
  for (int step = 0; step < steps; ++step) {
    for (int revealed = 0; revealed < 2; ++revealed) {
      app.lesson_go_to(step, revealed == 1);
      if (revealed == 1 && !app.lesson_step_has_question()) break;
      char name[64];
      std::snprintf(name, sizeof name, "step%02d%s.png", step + 1, revealed ? "-answer" : "");
      const std::string path = (std::filesystem::path(directory) / name).string();
      const ax::FrameStats stats;
      for (int frame = 0; frame < 4; ++frame) {
        if (frame == 3) app.wait_for_results();
        render_frame(ui, window, canvas, stats, nullptr, [&](int width, int height) {
          if (frame == 3) ax::capture_window_png(path, width, height);
        });
      }
      for (const auto& entry : app.messages().entries()) {
        if (entry.error) std::cerr << "warning: step " << step + 1 << ": " << entry.text << "\n";
      }
      std::cout << path << "\n";
    }
  }
  return 0;
}

// The state to start from: the scenario given, the last session, or the welcome scene. A bad
// scenario on the command line is a usage error for scripts (exit code 3); a bad last session
// is only reported in `startup_error`.
std::optional<int> initial_state(const Options& options, bool use_session, ax::AppState& initial,
                                 std::string& startup_error) {
  if (!options.scenario.empty()) {
    try {
      initial = ax::load_scenario_file(options.scenario);
    } catch (const std::exception& e) {
      std::cerr << "error: " << attn::one_line(e.what()) << "\n";
      return 3;
    }
  } else if (use_session) {
    const std::string path = ax::last_session_path();
    if (!path.empty() && std::filesystem::exists(path)) {
      try {
        initial = ax::load_scenario_file(path);
      } catch (const std::exception& e) {
        startup_error = std::string("last session not restored: ") + e.what();
      }
    } else {
      // First start: a scene that shows the point of the app at once (a shift every method feels).
      const auto welcome = std::filesystem::path(ax::assets_directory()) / "scenarios" / "welcome.json";
      try {
        initial = ax::load_scenario_file(welcome.string());
      } catch (const std::exception&) {
        initial = ax::AppState{};  // assets not installed: the defaults
      }
    }
  }
  if (options.presentation) initial.view.presentation = true;
  return std::nullopt;
}

// What the window received since the last frame: files dropped on it and key commands, for the
// controller (what it asks of the window comes back through its shell requests).
void apply_window_input(ax::Window& window, ax::AppController& app) {
  app.open_dropped_files(window.take_dropped_files());
  for (const ax::Command command : window.take_commands()) app.command(command);
}

// Window PNGs the panels asked for, and the final screenshot; a failure is shown in the error bar
// (and, on the last frame, makes the exit code 3).
void capture_requested(ax::ExplorerUi& ui, const Options& options, bool last_frame, int width, int height,
                       int& exit_code) {
  ax::ShellRequests& requests = ui.app().shell_requests();
  // Wait the frames the request asked for (its menu closes meanwhile), then take it.
  std::optional<std::string> window_png;
  if (requests.window_png && requests.window_png_wait-- <= 0) window_png.swap(requests.window_png);
  try {
    if (window_png) {
      ax::capture_window_png(*window_png, width, height);
      ui.app().messages().info("wrote " + *window_png);
    }
    if (last_frame && !options.screenshot.empty()) ax::capture_window_png(options.screenshot, width, height);
  } catch (const std::exception& e) {
    ui.app().messages().error(e.what());
    if (last_frame) {
      std::cerr << "error: " << attn::one_line(e.what()) << "\n";
      exit_code = 3;
    }
  }
}

void serve_window_requests(ax::AppController& app, ax::Window& window) {
  ax::ShellRequests& requests = app.shell_requests();
  if (requests.quit) window.request_close();
  if (requests.toggle_fullscreen) window.toggle_fullscreen();
  requests.quit = requests.toggle_fullscreen = false;
}

void save_session(const ax::AppState& state) {
  const std::string path = ax::last_session_path();
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    ax::save_scenario_file(path, state);
  } catch (const std::exception& e) {
    std::cerr << "warning: the session was not saved: " << attn::one_line(e.what()) << "\n";
  }
}

// Frames until the window closes (or, automated, until --frames). Returns the exit code.
int frame_loop(const Options& options, bool automated, ax::ExplorerUi& ui, ax::Window& window,
               ax::GlHeatmapCanvas& canvas) {
  int exit_code = 0;
  ax::FrameStats stats;
  FrameTimes times;
  auto last = std::chrono::steady_clock::now();
  constexpr int kReadyFrame = 10;  // layout has settled and the first results are shown
  for (int frame = 0;; ++frame) {
    const bool closing = window.should_close();
    const bool last_frame = (automated && frame == options.frames - 1) || closing;
    // The picture shows the final numbers, not "computing".
    if (last_frame && (automated || !options.screenshot.empty())) ui.app().wait_for_results();
    render_frame(
        ui, window, canvas, stats, [&] { apply_window_input(window, ui.app()); },
        [&](int width, int height) { capture_requested(ui, options, last_frame, width, height, exit_code); },
        last_frame ? nullptr : &times);  // the last frame waited for the engine
    serve_window_requests(ui.app(), window);
    if (frame == kReadyFrame && !options.ready_file.empty()) {
      try {
        write_report(options.ready_file, ui, window, times);
      } catch (const std::exception& e) {
        std::cerr << "error: " << attn::one_line(e.what()) << "\n";
      }
    }
    const auto now = std::chrono::steady_clock::now();
    stats.frame_ms = std::chrono::duration<double, std::milli>(now - last).count();
    if (!last_frame) times.total.push_back(stats.frame_ms);
    last = now;
    if (last_frame) break;
  }
  if (!options.report.empty()) {
    try {
      write_report(options.report, ui, window, times);
    } catch (const std::exception& e) {
      std::cerr << "error: " << attn::one_line(e.what()) << "\n";
      exit_code = 3;
    }
  }
  return exit_code;
}

int run(const Options& options) {
  std::smatch match;
  const std::regex size_pattern("^(\\d{2,5})x(\\d{2,5})$");
  if (!std::regex_match(options.size, match, size_pattern)) {
    std::cerr << "error: --size: expected WIDTHxHEIGHT such as 1280x800, got '" << attn::one_line(options.size, 80)
              << "'\n";
    return 2;
  }
  const bool automated = options.frames > 0 || !options.walk.empty() || !options.layout_walk.empty();
  const bool use_session = !automated && !options.no_session && options.scenario.empty();

  ax::AppState initial;
  std::string startup_error;
  if (const auto code = initial_state(options, use_session, initial, startup_error)) return *code;

  ax::WindowOptions window_options;
  window_options.width = std::stoi(match[1]);
  window_options.height = std::stoi(match[2]);
  window_options.vsync = !automated;
  window_options.ignore_pointer = automated;
  std::unique_ptr<ax::Window> window;
  std::unique_ptr<ax::GlHeatmapCanvas> canvas;
  try {
    window = std::make_unique<ax::Window>(window_options);
    canvas = std::make_unique<ax::GlHeatmapCanvas>();
  } catch (const std::exception& e) {
    std::cerr << "error: " << attn::one_line(e.what()) << "\n";
    return 1;
  }
  ax::AppController app(initial);
  ax::ExplorerUi ui(*canvas, app);
  if (!startup_error.empty()) app.messages().error(startup_error);
  if (!options.lesson.empty()) {
    app.open_lesson(options.lesson);
    if (!app.lesson_active()) {
      std::cerr << "error: " << attn::one_line(options.lesson)
                << ": the lesson could not be opened (see the app's error bar)\n";
      for (const auto& entry : app.messages().entries()) std::cerr << "error: " << entry.text << "\n";
      return 3;
    }
    app.lesson_go_to(options.step - 1, false);
  }
  if (!options.walk.empty()) return walk_lesson(ui, *window, *canvas, options.walk);
  if (!options.layout_walk.empty()) {
    ax::LayoutWalkOptions walk;
    walk.directory = options.layout_walk;
    walk.screenshots = options.layout_screenshots;
    std::stringstream list(options.layout_sizes);
    for (std::string item; std::getline(list, item, ',');) {
      if (!std::regex_match(item, match, size_pattern)) {
        std::cerr << "error: --layout-sizes: expected WIDTHxHEIGHT,... such as 1024x768,1280x720, got '" << item
                  << "'\n";
        return 2;
      }
      walk.sizes.push_back({std::stoi(match[1]), std::stoi(match[2])});
    }
    walk.lessons = ax::list_lessons((std::filesystem::path(ax::assets_directory()) / "lessons").string());
    if (!options.lesson.empty()) walk.lessons = {options.lesson};
    return ax::walk_layouts(ui, *window, *canvas, walk);
  }

  const int exit_code = frame_loop(options, automated, ui, *window, *canvas);
  if (use_session) save_session(app.state());
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Attention Explorer: see why attention uses softmax, and where other choices differ.",
               "attention-explorer"};
  Options options;
  app.add_option("--scenario", options.scenario, "Start from this scenario file (JSON)");
  app.add_option("--size", options.size, "Window size WIDTHxHEIGHT")->capture_default_str();
  app.add_option("--frames", options.frames, "Render N frames, then exit (automation)");
  app.add_option("--screenshot", options.screenshot, "Write the last frame as PNG (at exit)");
  app.add_option("--report", options.report, "Write layout, state and result summary as JSON at exit");
  app.add_option("--ready-file", options.ready_file, "Write the report here once the window is up (scripts)");
  app.add_flag("--no-session", options.no_session, "Neither restore nor save the last session");
  app.add_option("--lesson", options.lesson, "Open this lesson file (assets/lessons/*.json)");
  app.add_option("--step", options.step, "With --lesson: start at this step (1-based)")->check(CLI::PositiveNumber);
  app.add_option("--walk", options.walk,
                 "With --lesson: save a screenshot of every step into this directory, then exit");
  app.add_option(
      "--layout-walk", options.layout_walk,
      "Render the explorer and every lesson step (or only --lesson's) at every --layout-sizes size, normal and "
      "presenting, and write their widget rectangles to DIR/layouts.json, then exit");
  app.add_option("--layout-sizes", options.layout_sizes, "Window sizes of --layout-walk")->capture_default_str();
  app.add_flag("--layout-screenshots", options.layout_screenshots, "With --layout-walk: a PNG of every layout too");
  app.add_flag("--presentation", options.presentation, "Presentation mode: large type, advanced panels hidden");
  bool list_claims = false;
  app.add_flag("--list-claims", list_claims, "Print the lesson claim kinds (docs/claim_kinds.md), then exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "error: " << attn::one_line(e.what()) << " (see attention-explorer --help)\n";
    return 2;
  }
  if (list_claims) {
    std::cout << ax::claim_kinds_markdown();
    return 0;
  }
  if (!options.walk.empty() && options.lesson.empty()) {
    std::cerr << "error: --walk needs --lesson FILE\n";
    return 2;
  }
  if (options.frames < 0) {
    std::cerr << "error: --frames must be >= 0\n";
    return 2;
  }
  return run(options);
}
