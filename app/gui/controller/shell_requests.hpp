// What the controller asks of the window shell: things that need the window or GL, which the
// controller and the panels never touch.
#pragma once

#include <optional>
#include <string>

namespace ax {

struct ShellRequests {
  // Capture the whole window once `window_png_wait` more frames have been shown, so the menu the
  // request came from has closed (a capture at the end of the click's frame shows it open).
  std::optional<std::string> window_png;
  int window_png_wait = 0;
  bool quit = false;
  bool toggle_fullscreen = false;
};

}  // namespace ax
