#include "widgets/grid_layout.hpp"

#include <algorithm>
#include <cmath>

namespace ax::widgets {

GridChoice choose_grid(int count, float width, float height, float aspect, const GridCellFrame& frame, float min_side) {
  count = std::max(count, 1);
  aspect = aspect > 0.0f ? aspect : 1.0f;
  GridChoice best;
  float best_area = -1.0f;
  for (int columns = 1; columns <= count; ++columns) {
    const int rows = (count + columns - 1) / columns;
    const float cell_w = width / static_cast<float>(columns);
    const bool two_lines = cell_w < frame.one_line_header_width;
    const float top = frame.top + (two_lines ? frame.extra_header : 0.0f);
    // The image is limited by the width of a cell or by its height, whichever binds first.
    float w = cell_w - frame.left - frame.right;
    const float max_h = height / static_cast<float>(rows) - top - frame.bottom;
    float h = w * aspect;
    if (h > max_h) {
      h = max_h;
      w = h / aspect;
    }
    // Ties go to fewer columns: the same size in a squarer grid reads better.
    if (w > 0.0f && h > 0.0f && w * h > best_area * 1.0001f) {
      best_area = w * h;
      best = {columns, rows, w, h, 0.0f, 0.0f, two_lines};
    }
  }
  if (best_area < 0.0f) best = {1, count, 0.0f, 0.0f, 0.0f, 0.0f, true};
  // Too small to read: keep the minimum size and let the grid overflow (the panel scrolls).
  if (best.image_w < min_side || best.image_h < min_side) {
    const float scale = std::max(min_side / std::max(best.image_w, 1e-3f), min_side / std::max(best.image_h, 1e-3f));
    best.image_w = std::max(best.image_w * scale, min_side);
    best.image_h = std::max(best.image_h * scale, min_side);
  }
  const float top = frame.top + (best.two_line_header ? frame.extra_header : 0.0f);
  // A cell is as wide as its image and frame, or as its one-line title when the column has room.
  const float column_w = width / static_cast<float>(best.columns);
  best.cell_w = std::max(best.image_w + frame.left + frame.right, std::min(column_w, frame.one_line_header_width));
  best.cell_h = best.image_h + top + frame.bottom;
  best.cell_w = std::ceil(best.cell_w);
  best.cell_h = std::ceil(best.cell_h);
  return best;
}

}  // namespace ax::widgets
