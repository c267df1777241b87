#include "render/window_capture.hpp"

#include <vector>

#include <glad/gl.h>

#include "figures/png_file.hpp"

namespace ax {

void capture_window_png(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's first row is the bottom of the window; PNG's is the top.
  write_png_rgb(path, pixels.data(), width, height, /*bottom_up=*/true);
}

}  // namespace ax
