// Test tool: converts a PNG (the app's screenshot) into an NPY array of shape (height, width, 3)
// so the Python GUI tests can read pixels with NumPy alone.
//   png_to_npy in.png out.npy
#include <cstdio>
#include <vector>

#include <stb_image.h>

#include "attn/io/npy.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: png_to_npy in.png out.npy\n");
    return 2;
  }
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &width, &height, &channels, 3);
  if (!pixels) {
    std::fprintf(stderr, "error: %s: cannot read the PNG\n", argv[1]);
    return 3;
  }
  std::vector<float> values(pixels, pixels + static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  stbi_image_free(pixels);
  try {
    attn::write_npy(argv[2], values.data(), {height, width, 3});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
  }
  return 0;
}
