#include "figures/axis_ticks.hpp"

#include <algorithm>
#include <cmath>

namespace ax {

namespace {

constexpr attn::Index kLargestStep = 1'000'000'000'000'000'000;  // 10^18: factor * decade never overflows

}  // namespace

attn::Index round_step(double min_cells) {
  if (!(min_cells > 1.0)) return 1;
  for (attn::Index decade = 1; decade < kLargestStep; decade *= 10) {
    for (attn::Index factor : {1, 2, 5}) {
      if (static_cast<double>(factor * decade) >= min_cells) return factor * decade;
    }
  }
  return kLargestStep;
}

std::vector<attn::Index> axis_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                    double label_pixels) {
  std::vector<attn::Index> ticks;
  if (count <= 0 || !(pixels_per_cell > 0.0)) return ticks;
  const attn::Index step = round_step(label_pixels / pixels_per_cell);
  // Cells whose centre is in view, clamped to the axis in floating point before any cast (NaN
  // fails every comparison: no ticks).
  const double axis = static_cast<double>(count);
  const double lo_cell = std::ceil(first - 0.5), hi_cell = std::ceil(last - 0.5);
  if (!(lo_cell < axis) || !(hi_cell > 0.0)) return ticks;
  const auto lo = static_cast<attn::Index>(std::max(0.0, lo_cell));
  const auto hi = static_cast<attn::Index>(std::min(axis, hi_cell));
  for (attn::Index i = (lo + step - 1) / step * step; i < hi; i += step) {
    ticks.push_back(i);
    if (i > hi - step) break;  // the next step would pass hi (or overflow)
  }
  return ticks;
}

std::vector<attn::Index> heatmap_axis_ticks(attn::Index count, float pan, float zoom, float extent_px,
                                            float label_pixels) {
  if (count <= 0) return {};
  const double cell = static_cast<double>(extent_px) * static_cast<double>(zoom) / static_cast<double>(count);
  const double first = static_cast<double>(pan) * static_cast<double>(count);
  return axis_ticks(count, first, first + static_cast<double>(extent_px) / cell, cell, label_pixels);
}

}  // namespace ax
