#include "panels/frame_guard.hpp"

#include <exception>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"

namespace ax {

bool run_guarded_frame(AppState& state, Messages& messages, const std::function<void()>& frame) {
  const AppState last_good = state;
  std::string what;
  try {
    frame();
    return true;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  ImGui::ErrorCheckEndFrameRecover(nullptr);
  state = last_good;
  messages.error("internal error (the last change was undone): " + what);
  return false;
}

}  // namespace ax
