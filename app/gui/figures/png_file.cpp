#include "figures/png_file.hpp"

#include <cstring>
#include <vector>

#include <stb_image_write.h>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"

namespace ax {

void write_png_rgb(const std::string& path, const unsigned char* pixels, int width, int height, bool bottom_up) {
  const std::size_t stride = static_cast<std::size_t>(width) * 3;
  const unsigned char* top_first = pixels;
  std::vector<unsigned char> flipped;
  if (bottom_up) {
    flipped.resize(stride * static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) {
      std::memcpy(flipped.data() + stride * static_cast<std::size_t>(y),
                  pixels + stride * static_cast<std::size_t>(height - 1 - y), stride);
    }
    top_first = flipped.data();
  }
  std::vector<unsigned char> encoded;
  const auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<unsigned char>*>(context);
    const auto* bytes = static_cast<const unsigned char*>(data);
    out->insert(out->end(), bytes, bytes + size);
  };
  if (!stbi_write_png_to_func(append, &encoded, width, height, 3, top_first, static_cast<int>(stride))) {
    throw attn::InputError(path + ": PNG encoding failed");
  }
  attn::write_file_atomically(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(encoded.data()), static_cast<std::streamsize>(encoded.size()));
  });
}

}  // namespace ax
