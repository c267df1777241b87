// Colormaps: one 256-entry table per map, shared by the heatmap shader (as a lookup texture),
// the colour bars and PNG export, so all three show the same colour for the same value.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ax {

enum class Colormap { Viridis, Magma, Grey, Diverging };

constexpr int kColormapSize = 256;

std::span<const Colormap> all_colormaps();
std::string_view colormap_name(Colormap map);
// Throws std::invalid_argument for an unknown name.
Colormap parse_colormap(std::string_view name);

// 256 RGB triples, low values first.
const unsigned char (&colormap_table(Colormap map))[kColormapSize][3];

struct Rgb {
  std::uint8_t r, g, b;
};
// Colour of t in [0, 1] (clamped), nearest table entry: the same lookup the shader does.
Rgb colormap_colour(Colormap map, double t);

}  // namespace ax
