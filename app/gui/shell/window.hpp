// The desktop window: GLFW, an OpenGL 3.3 core context with the glad loader, and Dear ImGui's
// GLFW and OpenGL 3 backends. Knows nothing about attention.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "controller/key_map.hpp"
#include "widgets/key_event_queue.hpp"

struct GLFWwindow;

namespace ax {

struct WindowOptions {
  int width = 1280;
  int height = 800;
  std::string title = "Attention Explorer";
  bool vsync = true;
  // Automation: the pointer is ignored, so a screenshot never shows a hover tooltip or depends on
  // where the (virtual) display left its cursor.
  bool ignore_pointer = false;
};

class Window {
 public:
  // Throws std::runtime_error with a user-facing message when there is no display or no OpenGL 3.3.
  explicit Window(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool should_close() const;
  void request_close();
  void begin_frame();  // poll events, start an ImGui frame
  // Where the time of end_frame went (after_render, e.g. a screenshot, is in none of them).
  struct EndFrameTimes {
    double before_render_ms = 0.0;  // before_imgui_render (the heatmap canvas: uploads, FBO draws)
    double render_ms = 0.0;         // ImGui's draw lists to GL
    double swap_ms = 0.0;
  };
  EndFrameTimes end_frame(const std::function<void()>& before_imgui_render,
                          const std::function<void(int, int)>& after_render);  // render, swap
  void toggle_fullscreen();
  // Resizes the window's content area now (automation: the layout walk).
  void set_size(int width, int height);
  // Commands of the key map (controller/key_map.hpp) pressed since the last call. Latched in GLFW's key
  // callback: ImGui 1.86 has no input queue, so a press and release within one frame would
  // otherwise be missed.
  std::vector<Command> take_commands();
  std::vector<std::string> take_dropped_files();
  std::string renderer_description() const;
  // Screen position and size of the window's content area.
  std::array<int, 4> geometry() const;

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  static void on_drop(GLFWwindow* window, int count, const char** paths);
  static void queue_key(GLFWwindow* window, int key, int scancode, int action, int mods);

  GLFWwindow* window_ = nullptr;
  std::vector<std::string> dropped_;
  KeyEventQueue keys_;
  std::vector<Command> commands_;
  int windowed_[4] = {100, 100, 1280, 800};
  bool ignore_pointer_ = false;
};

}  // namespace ax
