#include "shell/window.hpp"

#include <chrono>

// glad's header must come before GLFW's so GLFW does not pull in a system GL header.
#include <cfloat>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <GLFW/glfw3.h>
#include <glad/gl.h>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

namespace ax {
namespace {

// The key map names keys by GLFW's codes without including GLFW.
static_assert(keys::kEscape == GLFW_KEY_ESCAPE && keys::kRight == GLFW_KEY_RIGHT && keys::kLeft == GLFW_KEY_LEFT &&
              keys::kDown == GLFW_KEY_DOWN && keys::kUp == GLFW_KEY_UP && keys::kPageUp == GLFW_KEY_PAGE_UP &&
              keys::kPageDown == GLFW_KEY_PAGE_DOWN && keys::kF1 == GLFW_KEY_F1 && keys::kF11 == GLFW_KEY_F11);
static_assert(GLFW_KEY_A == 'A' && GLFW_KEY_Z == 'Z' && GLFW_KEY_0 == '0' && GLFW_KEY_9 == '9' &&
              GLFW_KEY_LEFT_BRACKET == '[' && GLFW_KEY_RIGHT_BRACKET == ']');

std::string g_glfw_error;

void remember_glfw_error(int, const char* description) { g_glfw_error = description ? description : ""; }

// Two sizes of DejaVu Sans (fonts-dejavu-core), scaled by the monitor's content scale: the regular
// one, and a large one for presentation mode (the UI uses Fonts[1] when it exists). Without the
// font file, ImGui's built-in font in both sizes.
void load_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  bool have_file = false;
  if (FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    have_file = true;
  }
  for (float size : {15.0f, 26.0f}) {
    if (have_file && io.Fonts->AddFontFromFileTTF(path, size * scale)) continue;
    ImFontConfig config;
    config.SizePixels = size * scale;
    io.Fonts->AddFontDefault(&config);
  }
}

void apply_style(float scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.WindowBorderSize = 1.0f;
  style.ItemSpacing = ImVec2(7.0f, 5.0f);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.10f, 0.10f, 0.12f, 1.0f);
  style.ScaleAllSizes(scale);
}

}  // namespace

Window::Window(const WindowOptions& options) {
  glfwSetErrorCallback(remember_glfw_error);
  if (!glfwInit()) {
    const char* display = std::getenv("DISPLAY");
    throw std::runtime_error(
        std::string("cannot open a window") +
        (display && *display ? " on display " + std::string(display) : ": no display (DISPLAY is not set)") +
        (g_glfw_error.empty() ? "" : " [" + g_glfw_error + "]") +
        ". Run the app under a virtual display: xvfb-run -a build/bin/attention-explorer --frames 60 "
        "--screenshot shot.png, or use build/bin/attention-cli for headless work");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  window_ = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.3 core window [" + g_glfw_error +
                             "]; use build/bin/attention-cli for headless work");
  }
  glfwMakeContextCurrent(window_);
  if (!gladLoadGL(glfwGetProcAddress)) {
    glfwDestroyWindow(window_);
    glfwTerminate();
    throw std::runtime_error("cannot load the OpenGL 3.3 functions");
  }
  glfwSwapInterval(options.vsync ? 1 : 0);
  ignore_pointer_ = options.ignore_pointer;
  glfwSetWindowUserPointer(window_, this);
  glfwSetDropCallback(window_, on_drop);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed; nothing to remember in imgui.ini
  float scale_x = 1.0f, scale_y = 1.0f;
  glfwGetWindowContentScale(window_, &scale_x, &scale_y);
  load_fonts(scale_x);
  apply_style(scale_x);
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  // Key events go through the queue (replacing the backend's callback, which has no user callback
  // to chain to); begin_frame hands them to the backend one transition per key per frame.
  glfwSetKeyCallback(window_, queue_key);
  ImGui_ImplOpenGL3_Init("#version 330 core");
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

bool Window::should_close() const { return glfwWindowShouldClose(window_) != 0; }

void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void Window::begin_frame() {
  glfwPollEvents();
  for (const KeyEvent& e : keys_.take_frame()) ImGui_ImplGlfw_KeyCallback(window_, e.key, e.scancode, e.action, e.mods);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (ignore_pointer_) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    for (bool& down : io.MouseDown) down = false;
    io.MouseWheel = io.MouseWheelH = 0.0f;
  }
  ImGui::NewFrame();
}

Window::EndFrameTimes Window::end_frame(const std::function<void()>& before_imgui_render,
                                        const std::function<void(int, int)>& after_render) {
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  EndFrameTimes times;
  const auto start = Clock::now();
  if (before_imgui_render) before_imgui_render();
  const auto rendering = Clock::now();
  ImGui::Render();
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  glViewport(0, 0, width, height);
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  const auto rendered = Clock::now();
  if (after_render) after_render(width, height);
  const auto swapping = Clock::now();
  glfwSwapBuffers(window_);
  times.before_render_ms = ms(start, rendering);
  times.render_ms = ms(rendering, rendered);
  times.swap_ms = ms(swapping, Clock::now());
  return times;
}

void Window::set_size(int width, int height) {
  glfwSetWindowSize(window_, width, height);
  // Without a window manager the X server applies the size at once; wait for it to be reported.
  for (int attempt = 0; attempt < 50; ++attempt) {
    int w = 0, h = 0;
    glfwPollEvents();
    glfwGetWindowSize(window_, &w, &h);
    if (w == width && h == height) return;
    glfwWaitEventsTimeout(0.01);
  }
}

void Window::toggle_fullscreen() {
  GLFWmonitor* monitor = glfwGetWindowMonitor(window_);
  if (monitor) {
    glfwSetWindowMonitor(window_, nullptr, windowed_[0], windowed_[1], windowed_[2], windowed_[3], 0);
    return;
  }
  glfwGetWindowPos(window_, &windowed_[0], &windowed_[1]);
  glfwGetWindowSize(window_, &windowed_[2], &windowed_[3]);
  GLFWmonitor* primary = glfwGetPrimaryMonitor();
  if (!primary) return;
  const GLFWvidmode* mode = glfwGetVideoMode(primary);
  glfwSetWindowMonitor(window_, primary, 0, 0, mode->width, mode->height, mode->refreshRate);
}

void Window::on_key(GLFWwindow* glfw_window, int key, int, int action, int mods) {
  if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(glfw_window));
  const bool typing = ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput;
  const int held = ((mods & GLFW_MOD_SHIFT) ? kShift : 0) | ((mods & GLFW_MOD_CONTROL) ? kControl : 0);
  const bool other = (mods & (GLFW_MOD_ALT | GLFW_MOD_SUPER)) != 0;
  if (other) return;
  for (const Command command : commands_for_key(key, held, typing)) {
    // Held keys repeat only where repeating makes sense: moving M.
    const bool repeats = command == Command::ShiftUp || command == Command::ShiftDown;
    if (action == GLFW_REPEAT && !repeats) continue;
    self->commands_.push_back(command);
  }
}

void Window::queue_key(GLFWwindow* glfw_window, int key, int scancode, int action, int mods) {
  // Shortcuts are decided now, while WantTextInput still describes the field being typed in;
  // ImGui's key state follows through the queue.
  on_key(glfw_window, key, scancode, action, mods);
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(glfw_window));
  self->keys_.push({key, scancode, action, mods, action != GLFW_REPEAT});
}

void Window::on_drop(GLFWwindow* glfw_window, int count, const char** paths) {
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(glfw_window));
  for (int k = 0; k < count; ++k) self->dropped_.emplace_back(paths[k]);
}

std::vector<Command> Window::take_commands() {
  std::vector<Command> out;
  out.swap(commands_);
  return out;
}

std::vector<std::string> Window::take_dropped_files() {
  std::vector<std::string> out;
  out.swap(dropped_);
  return out;
}

std::array<int, 4> Window::geometry() const {
  std::array<int, 4> g{};
  glfwGetWindowPos(window_, &g[0], &g[1]);
  glfwGetWindowSize(window_, &g[2], &g[3]);
  return g;
}

std::string Window::renderer_description() const {
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  return std::string(renderer ? renderer : "?") + ", OpenGL " + (version ? version : "?");
}

}  // namespace ax
