// PNG writing (stb_image_write from Debian's libstb), atomically.
#pragma once

#include <string>

namespace ax {

// pixels: width x height RGB triples, rows top first (or bottom first with bottom_up).
// Throws attn::InputError naming the path on failure.
void write_png_rgb(const std::string& path, const unsigned char* pixels, int width, int height, bool bottom_up = false);

}  // namespace ax
