// The model view's colours: each cell's range under the view's colour settings (log or linear,
// one range for every head or each head its own, the pixels' max or mean), and a caption that says
// which range the cells use and what a pixel is.
#pragma once

#include <string>
#include <vector>

#include "compute/model_grid_cells.hpp"
#include "figures/heatmap_images.hpp"
#include "state/app_state.hpp"

namespace ax {

struct GridColours {
  std::vector<HeatmapImage> images;  // per cell: its max or mean picture (values null while computing)
  std::vector<ColourRange> ranges;   // per cell
  std::string
      caption;  // "colours: one range for every head, 0 to 0.97, log scale; a pixel: max of up to 64 x 64 cells"
};

// `serial` versions the cells' textures (a new grid: new textures).
GridColours grid_colours(const ModelGridCells& cells, const ViewSettings& view);

}  // namespace ax
