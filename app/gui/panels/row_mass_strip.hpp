// Beside a heatmap whose rows need not sum to 1 (sigmoid-attn, softmax1, softpick, stick-breaking):
// each row's mass sum_j w_ij as a bar, so a row that holds almost nothing shows as an empty bar, a
// result, and never as an undefined (hatched) row.
#pragma once

#include "compute/compute_result.hpp"
#include "figures/heatmap_images.hpp"
#include "imgui.h"
#include "panels/ui_context.hpp"

namespace ax {

// The strip's width and the gap before it; what the grid reserves right of each image when some
// heatmap has one.
constexpr float kRowMassStripWidth = 12.0f;
constexpr float kRowMassStripSpace = kRowMassStripWidth + 4.0f;

// What the colour bar's weights are when some rows need not sum to 1.
constexpr const char* kRowMassNote =
    "weight (rows need not sum to 1): the bar right of such a heatmap is each row's mass sum_j w_ij, "
    "from 0 (the row declines to attend) to its top value";

// The row masses heatmap k shows in `mode` (the perturbed ones in the perturbed view, else the
// clean ones); null when its rows sum to 1, the path has no matrix, or `mode` is a difference.
const attn::Vec<float>* shown_row_mass(const MethodResult& r, HeatmapMode mode);

// The strip for rows in view (zoom and pan as the heatmap's), `at` its top-left, `height` the
// image's; hovering a row says its mass. Records "row_mass:K" in the layout, and
// "row_mass" (rows, defined_rows, top, least) in heatmap K's drawn record.
void draw_row_mass_strip(UiContext& ctx, std::size_t k, HeatmapMode mode, ImVec2 at, float height);

}  // namespace ax
