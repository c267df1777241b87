// Reading back the rendered window as a PNG (screenshots for slides and GUI tests).
#pragma once

#include <string>

namespace ax {

// Reads the back buffer (call after rendering ImGui, before swapping) and writes it atomically.
// Throws attn::InputError naming the path when it cannot be written.
void capture_window_png(const std::string& path, int width, int height);

}  // namespace ax
