// Exports: weight matrices as NPY/CSV and heatmaps as PNG rendered on the CPU with the same
// colormap tables and normalisation as the shader (figures/heatmap_png.hpp draws the picture).
#pragma once

#include <string>

#include "attn/overview/overview.hpp"
#include "compute/compute_result.hpp"
#include "compute/heatmap_overviews.hpp"
#include "figures/heatmap_images.hpp"
#include "figures/heatmap_png.hpp"
#include "state/app_state.hpp"

namespace ax {

// The matrix of `image` (NaN rows stay NaN) to .npy or .csv. Throws attn::InputError.
void export_matrix(const std::string& path, const HeatmapImage& image);

// One pixel block of `options.scale` pixels a side per cell; undefined rows hatched grey as on
// screen; title, badge and colour bar as `options` asks. `range` is the range on screen
// (shown_heatmaps in figures/heatmap_ranges.hpp). Throws attn::InputError.
void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range,
                        const HeatmapPngOptions& options);
void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range, int scale);

// The pooled pixels of an overview (the streaming path's heatmap, which has no matrix): one
// block per pooled pixel, the max or mean as on screen.
void export_overview_png(const std::string& path, const attn::Overview& overview, bool mean, const ColourRange& range,
                         const HeatmapPngOptions& options);

// What a heatmap PNG carries besides its cells (the export menu's options).
struct PngExtras {
  int scale = 8;  // pixels per cell
  bool colour_bar = true, title = true, badge = true;
};

// Heatmap `method` of `result` as the grid shows it: in its mode on screen, with the colour range
// on screen (shown_heatmaps: shared when the view shares one), title, badge and colour bar as
// `extras` asks. A streamed result (no matrix) gives the pooled pixels on screen from
// `overviews`, or says why there is nothing to export yet. Throws attn::InputError.
void export_shown_heatmap_png(const std::string& path, HeatmapImages& cache, const OverviewService& overviews,
                              const std::shared_ptr<const ComputeResult>& result, const ViewSettings& view,
                              bool hide_answers, std::size_t method, const PngExtras& extras);

// The RGB colour the shader gives cell (i, j) of `image` (without hatching or borders): used by
// the PNG export and by the GUI pixel test.
Rgb heatmap_cell_colour(const HeatmapImage& image, const ColourRange& range, attn::Index i, attn::Index j);

}  // namespace ax
