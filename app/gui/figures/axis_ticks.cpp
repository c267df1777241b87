#include "figures/axis_ticks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ax {

namespace {

constexpr attn::Index kLargestStep = 1'000'000'000'000'000'000;  // 10^18: factor * decade never overflows

// The multiples of `step` in [lo, hi) into `ticks`; whether every two neighbours, each label
// centred on its cell, keep `gap` pixels apart (it stops at the first pair that does not).
bool ticks_keep_apart(attn::Index lo, attn::Index hi, attn::Index step, double pixels_per_cell,
                      const std::function<double(attn::Index)>& label_width, double gap,
                      std::vector<attn::Index>& ticks) {
  ticks.clear();
  const double room = static_cast<double>(step) * pixels_per_cell;
  for (attn::Index i = (lo + step - 1) / step * step; i < hi; i += step) {
    if (!ticks.empty() && room < 0.5 * (label_width(ticks.back()) + label_width(i)) + gap) return false;
    ticks.push_back(i);
    if (i > hi - step) break;  // the next step would pass hi (or overflow)
  }
  return true;
}

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

std::vector<attn::Index> label_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                     const std::function<double(attn::Index)>& label_width, double gap) {
  if (count <= 0 || !(pixels_per_cell > 0.0)) return {};
  // As axis_ticks: the visible cells clamped to the axis in floating point before any cast.
  const double axis = static_cast<double>(count);
  const double lo_cell = std::ceil(first - 0.5), hi_cell = std::ceil(last - 0.5);
  if (!(lo_cell < axis) || !(hi_cell > 0.0)) return {};
  const auto lo = static_cast<attn::Index>(std::max(0.0, lo_cell));
  const auto hi = static_cast<attn::Index>(std::min(axis, hi_cell));
  // Round steps from one label a cell up; the first whose neighbours all keep their distance wins.
  std::vector<attn::Index> ticks;
  for (attn::Index decade = 1; decade < kLargestStep; decade *= 10) {
    for (attn::Index factor : {1, 2, 5}) {
      const attn::Index step = factor * decade;
      if (ticks_keep_apart(lo, hi, step, pixels_per_cell, label_width, gap, ticks)) return ticks;
      if (step >= count) break;  // one label is all the axis can hold
    }
    if (decade * 5 >= count) break;
  }
  if (ticks.size() > 1) ticks.erase(ticks.begin() + 1, ticks.end());  // no step fits: the first label alone
  return ticks;
}

std::vector<attn::Index> heatmap_label_ticks(attn::Index count, float pan, float zoom, float extent_px,
                                             const std::function<double(attn::Index)>& label_width, double gap) {
  if (count <= 0) return {};
  const double cell = static_cast<double>(extent_px) * static_cast<double>(zoom) / static_cast<double>(count);
  const double first = static_cast<double>(pan) * static_cast<double>(count);
  return label_ticks(count, first, first + static_cast<double>(extent_px) / cell, cell, label_width, gap);
}

std::size_t label_stride(double spacing_px, double room_px) {
  if (!(spacing_px > 0.0)) return std::numeric_limits<std::size_t>::max();
  const double k = std::ceil(room_px / spacing_px);
  if (!(k >= 1.0)) return 1;
  return k >= 1e9 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(k);
}

}  // namespace ax
