#include "model/exports.hpp"

#include <cmath>
#include <vector>

#include "attn/array_files.hpp"
#include "attn/errors.hpp"
#include "model/png_file.hpp"

namespace ax {
namespace {

constexpr Rgb kHatchLight{128, 128, 128};
constexpr Rgb kHatchDark{77, 77, 77};
constexpr long kMaxExportPixels = 64L * 1024 * 1024;

}  // namespace

namespace {

void require_matrix(const std::string& path, const HeatmapImage& image) {
  if (!image.values) throw attn::InputError(path + ": nothing to export yet");
  if (image.values->size() == 0) {
    throw attn::InputError(path + ": the weights are streamed at this size (never held), so there is no matrix to save");
  }
}

}  // namespace

void export_matrix(const std::string& path, const HeatmapImage& image) {
  require_matrix(path, image);
  const attn::MatF& m = *image.values;
  attn::write_array_file(path, m.data(), {m.rows(), m.cols()});
}

Rgb heatmap_cell_colour(const HeatmapImage& image, const ColourRange& range, attn::Index i, attn::Index j) {
  return colormap_colour(range.map, normalized_value((*image.values)(i, j), range));
}

void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range, int scale) {
  require_matrix(path, image);
  const attn::MatF& m = *image.values;
  if (scale < 1) throw attn::InputError(path + ": the scale must be at least 1");
  const long width = static_cast<long>(m.cols()) * scale, height = static_cast<long>(m.rows()) * scale;
  if (width * height > kMaxExportPixels) {
    throw attn::InputError(path + ": " + std::to_string(width) + " x " + std::to_string(height) +
                           " pixels is too large; use a smaller scale");
  }
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width * height * 3));
  for (long y = 0; y < height; ++y) {
    for (long x = 0; x < width; ++x) {
      const attn::Index i = y / scale, j = x / scale;
      const float v = m(i, j);
      Rgb c;
      if (std::isnan(v)) {
        c = ((x + y) % 12 < 6) ? kHatchLight : kHatchDark;
      } else {
        c = heatmap_cell_colour(image, range, i, j);
      }
      unsigned char* p = pixels.data() + (y * width + x) * 3;
      p[0] = c.r;
      p[1] = c.g;
      p[2] = c.b;
    }
  }
  write_png_rgb(path, pixels.data(), static_cast<int>(width), static_cast<int>(height));
}

}  // namespace ax
