#include "figures/model_grid_colours.hpp"

#include <algorithm>
#include <cstdio>

namespace ax {
namespace {

std::string range_text(const ColourRange& r) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g to %.3g", static_cast<double>(r.lo), static_cast<double>(r.hi));
  return text;
}

}  // namespace

GridColours grid_colours(const ModelGridCells& cells, const ViewSettings& settings) {
  // A pixel column of a pooled picture is a block of keys, not key 0: the range keeps every column.
  ViewSettings view = settings;
  view.exclude_first_key = false;
  GridColours out;
  const bool mean = view.reduction == PixelReduction::Mean;
  out.images.resize(cells.cells.size());
  std::vector<const HeatmapImage*> pool;
  attn::Index block_rows = 1, block_cols = 1;
  for (std::size_t k = 0; k < cells.cells.size(); ++k) {
    const std::shared_ptr<const GridCell>& cell = cells.cells[k];
    if (!cell) continue;
    HeatmapImage& image = out.images[k];
    image.values = mean ? cell->mean : cell->max;
    image.stats = mean ? cell->mean_stats : cell->max_stats;
    // Textures: one version per grid, picture and reduction (even numbers are the heatmaps').
    image.version = cells.serial * 4 + (mean ? 2 : 0);
    pool.push_back(&image);
    block_rows = std::max(block_rows, cell->cells_per_pixel_rows);
    block_cols = std::max(block_cols, cell->cells_per_pixel_cols);
  }
  out.ranges.resize(cells.cells.size());
  for (std::size_t k = 0; k < cells.cells.size(); ++k) {
    if (out.images[k].values) out.ranges[k] = colour_range(view, HeatmapMode::Clean, out.images[k], pool);
  }
  if (pool.empty()) {
    out.caption = "computing the heads' pictures";
    return out;
  }
  const ColourRange& first = out.ranges[static_cast<std::size_t>(pool.front() - out.images.data())];
  std::string text = view.shared_range ? "colours: one range for every head, " + range_text(first)
                                       : std::string("colours: each head its own range");
  text += first.log ? ", log scale" : ", linear";
  if (block_rows > 1 || block_cols > 1) {
    text += "; a pixel: " + std::string(mean ? "mean" : "max") + " of up to " + std::to_string(block_rows) + " x " +
            std::to_string(block_cols) + " cells";
  }
  out.caption = text;
  return out;
}

}  // namespace ax
