// One heatmap of the grid (panels/heatmap_grid.cpp lays them out): its title and invariance
// badge, the image (cells, or pooled pixels when there are more cells than pixels), hover readout,
// zoom and pan, the note that explains a picture of one colour, its colour bar and mode menu.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compute/heatmap_overviews.hpp"
#include "figures/heatmap_images.hpp"
#include "imgui.h"
#include "panels/ui_context.hpp"
#include "widgets/grid_layout.hpp"

namespace ax {

// The images, modes and colour ranges of every heatmap of one frame.
struct GridImages {
  std::vector<const HeatmapImage*> images;  // null for a method with an error
  std::vector<HeatmapMode> modes;
  std::vector<ColourRange> ranges;
  std::vector<HeatmapImage> streamed;  // streaming: statistics only (no matrix)
  std::vector<bool> stats_known;       // streaming: the whole overview exists
  bool one_range = true;               // every heatmap has the same colour range
  int first = -1;                      // the first heatmap with an image
};

// Where and how large the heatmaps are drawn this frame.
struct GridLayout {
  widgets::GridCellFrame frame;
  widgets::GridChoice choice;
  std::vector<std::string> titles;
  ImVec2 avail, origin;
  float label_margin = 0.0f, shared_bar_width = 0.0f, bar_width = 0.0f, combo_width = 0.0f;
  bool shared_bar = false, mode_line = false, any_log_range = false, any_undefined_rows = false;
  float strip_space = 0.0f;         // right of each image: kRowMassStripSpace when some rows need not sum to 1
  int width_px = 1, height_px = 1;  // of one image, in framebuffer pixels
  ViewGrid view;                    // the cells in view and the pixels that show them
};

// Wide enough for the longest mode name, so no choice is cut short.
float mode_combo_width();

// Draws heatmap k in its grid cell; returns the bottom of what it drew.
float draw_heatmap_cell(UiContext& ctx, std::size_t k, const GridImages& images, const GridLayout& layout);

}  // namespace ax
