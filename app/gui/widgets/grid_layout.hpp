// How many rows and columns a grid of same-shaped heatmaps gets: the choice that makes each image
// largest in the space there is. Pure arithmetic (no ImGui), so it is tested on its own.
#pragma once

namespace ax::widgets {

// Pixels each grid cell spends around its image: labels left, colour bar right, title and axis
// labels above, the mode menu below. A title that does not fit on one line at a cell width below
// `one_line_header_width` takes `extra_header` more pixels above.
struct GridCellFrame {
  float left = 0.0f, right = 0.0f, top = 0.0f, bottom = 0.0f;
  float one_line_header_width = 0.0f;
  float extra_header = 0.0f;
};

struct GridChoice {
  int columns = 1, rows = 1;
  float image_w = 0.0f, image_h = 0.0f;  // every image is this size
  float cell_w = 0.0f, cell_h = 0.0f;    // image plus its frame; the grid is columns x cell_w wide
  bool two_line_header = false;
};

// `count` images of shape `aspect` (height / width) in a `width` x `height` area, each with `frame`
// around it. Images are never smaller than `min_side` pixels (the grid then overflows the area).
GridChoice choose_grid(int count, float width, float height, float aspect, const GridCellFrame& frame,
                       float min_side = 16.0f);

}  // namespace ax::widgets
