#include "colour/colormap.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ax {
namespace {

#include "colour/colormap_tables.inc"

constexpr std::array<Colormap, 4> kAll = {Colormap::Viridis, Colormap::Magma, Colormap::Grey, Colormap::Diverging};

}  // namespace

std::span<const Colormap> all_colormaps() { return kAll; }

std::string_view colormap_name(Colormap map) {
  switch (map) {
    case Colormap::Viridis: return "viridis";
    case Colormap::Magma: return "magma";
    case Colormap::Grey: return "grey";
    case Colormap::Diverging: return "diverging";
  }
  return "viridis";
}

Colormap parse_colormap(std::string_view name) {
  for (Colormap map : kAll) {
    if (colormap_name(map) == name) return map;
  }
  throw std::invalid_argument("unknown colormap '" + std::string(name) +
                              "' (choose viridis, magma, grey or diverging)");
}

const unsigned char (&colormap_table(Colormap map))[kColormapSize][3] {
  switch (map) {
    case Colormap::Viridis: return k_viridis_table;
    case Colormap::Magma: return k_magma_table;
    case Colormap::Grey: return k_grey_table;
    case Colormap::Diverging: return k_diverging_table;
  }
  return k_viridis_table;
}

Rgb colormap_colour(Colormap map, double t) {
  if (!(t >= 0.0)) t = 0.0;  // NaN too
  t = std::min(t, 1.0);
  // Texel centres: t = 0 hits entry 0, t = 1 entry 255, as GL_NEAREST sampling does in the shader.
  const int index = std::clamp(static_cast<int>(std::floor(t * (kColormapSize - 1) + 0.5)), 0, kColormapSize - 1);
  const auto& rgb = colormap_table(map)[index];
  return {rgb[0], rgb[1], rgb[2]};
}

}  // namespace ax
