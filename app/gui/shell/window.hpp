// The desktop window: GLFW, an OpenGL 3.3 core context with the glad loader, and Dear ImGui's
// GLFW and OpenGL 3 backends. Knows nothing about attention.
#pragma once

#include <functional>
#include <string>
#include <vector>

struct GLFWwindow;

namespace ax {

struct WindowOptions {
  int width = 1280;
  int height = 800;
  std::string title = "Attention Explorer";
  bool vsync = true;
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
  void begin_frame();                 // poll events, start an ImGui frame
  void end_frame(const std::function<void()>& before_imgui_render,
                 const std::function<void(int, int)>& after_render);  // render, swap
  void toggle_fullscreen();
  // Keyboard shortcuts of this frame (ImGui 1.86 names only a few keys: GLFW codes are used).
  struct Shortcuts {
    bool quit = false;        // Ctrl+Q
    bool fullscreen = false;  // F11
  };
  Shortcuts shortcuts() const;
  std::vector<std::string> take_dropped_files();
  std::string renderer_description() const;

 private:
  GLFWwindow* window_ = nullptr;
  std::vector<std::string> dropped_;
  int windowed_[4] = {100, 100, 1280, 800};
};

}  // namespace ax
