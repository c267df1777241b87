#include "figures/axis_ticks.hpp"

#include <algorithm>
#include <cmath>

namespace ax {

attn::Index round_step(double min_cells) {
  if (!(min_cells > 1.0)) return 1;
  attn::Index decade = 1;
  for (;;) {
    for (attn::Index factor : {1, 2, 5}) {
      if (static_cast<double>(factor * decade) >= min_cells) return factor * decade;
    }
    decade *= 10;
  }
}

std::vector<attn::Index> axis_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                    double label_pixels) {
  std::vector<attn::Index> ticks;
  if (count <= 0 || !(pixels_per_cell > 0.0)) return ticks;
  const attn::Index step = round_step(label_pixels / pixels_per_cell);
  // Cells whose centre is in view.
  const auto lo = static_cast<attn::Index>(std::max(0.0, std::ceil(first - 0.5)));
  const auto hi = static_cast<attn::Index>(std::min(static_cast<double>(count), std::ceil(last - 0.5)));
  for (attn::Index i = (lo + step - 1) / step * step; i < hi; i += step) ticks.push_back(i);
  return ticks;
}

}  // namespace ax
