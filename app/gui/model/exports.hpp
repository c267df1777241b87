// Exports: weight matrices as NPY/CSV and heatmaps as PNG rendered on the CPU with the same
// colormap tables and normalisation as the shader.
#pragma once

#include <string>

#include "model/compute_result.hpp"
#include "model/heatmap_images.hpp"

namespace ax {

// The matrix of `image` (NaN rows stay NaN) to .npy or .csv. Throws attn::InputError.
void export_matrix(const std::string& path, const HeatmapImage& image);

// One pixel block of `scale` x `scale` per cell; undefined rows hatched grey as on screen.
void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range, int scale);

// The RGB colour the shader gives cell (i, j) of `image` (without hatching or borders): used by
// the PNG export and by the GUI pixel test.
Rgb heatmap_cell_colour(const HeatmapImage& image, const ColourRange& range, attn::Index i, attn::Index j);

}  // namespace ax
