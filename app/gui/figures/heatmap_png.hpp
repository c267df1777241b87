// A heatmap as an exported picture: its cells at `scale` pixels each (undefined rows hatched, as
// on screen) and, when asked, its title, its invariance badge and a colour bar with tick values
// (and, on a signed scale, which sign is which), all drawn on the CPU with the bitmap font.
#pragma once

#include <string>

#include "compute/compute_result.hpp"
#include "figures/bitmap_font.hpp"
#include "figures/colour_bar_labels.hpp"
#include "figures/heatmap_images.hpp"
#include "state/app_state.hpp"

namespace ax {

// Row-major values, NaN for undefined (a matrix image, or a pooled overview's pixels).
struct CellGrid {
  const float* data = nullptr;
  attn::Index rows = 0, cols = 0;
};

// The invariance badge as the heatmap's header shows it ("changed  max|dW| 0.031"), coloured.
struct BadgeText {
  std::string text;
  Rgb colour{150, 150, 155};
};

struct HeatmapPngOptions {
  int scale = 8;            // pixels per cell (per pooled pixel for an overview)
  bool colour_bar = false;  // a colour bar with tick values right of the heatmap
  std::string title;        // above the heatmap; empty: none
  BadgeText badge;          // below the title; empty text: none
  SignWords signs;          // what a signed scale's colour bar names its ends
};

// Largest exported picture: a side of kMaxExportSide pixels, kMaxExportPixels in all.
constexpr long kMaxExportSide = 32768;
constexpr long kMaxExportPixels = 64L * 1024 * 1024;

// Throws attn::InputError (naming `path`) unless `rows` x `cols` cells at `scale` fit the limits;
// checked before any multiplication can overflow.
void check_export_size(const std::string& path, attn::Index rows, attn::Index cols, long scale);

// The picture; with no option set, exactly the cells (cols * scale x rows * scale pixels).
RgbImage heatmap_picture(const CellGrid& cells, const ColourRange& range, const HeatmapPngOptions& options);

// The heatmap's title on screen (method; layer and head for a model) with what it shows:
// "relu - signed difference", ", log scale" when the range is logarithmic.
std::string heatmap_export_title(const ComputeResult& result, std::size_t method, HeatmapMode mode,
                                 const ColourRange& range);

// The badge of heatmap `method` shown in `mode`, as the grid's header writes it (empty for
// loaded weights).
BadgeText heatmap_badge(const ComputeResult& result, std::size_t method, HeatmapMode mode, bool hide_answers);

}  // namespace ax
