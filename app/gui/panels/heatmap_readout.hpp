// What hovering a heatmap reads out, in a tooltip: a cell's scores and weights, or a pooled
// pixel's block, its peak with the cell where it sits, and its mean.
#pragma once

#include "attn/overview/overview.hpp"
#include "panels/ui_context.hpp"

namespace ax {

// Cell (i, j) of method `r`: the indices (and labels), s_ij and w_ij clean and perturbed.
void cell_readout(const UiContext& ctx, const MethodResult& r, int i, int j);

// Pixel (pr, pc) of the overview `o` of method `r` in `mode`; also recorded as the frame's hover
// text (reports and tests).
void pixel_readout(UiContext& ctx, const MethodResult& r, const attn::Overview& o, attn::Index pr, attn::Index pc,
                   HeatmapMode mode);

}  // namespace ax
