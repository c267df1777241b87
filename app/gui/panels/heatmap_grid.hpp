// The heatmap grid: one heatmap per method, their shared colour range and legend, and the
// view's toolbar.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_heatmap_grid(UiContext& ctx);
// One menu for the mode of every heatmap (clean, perturbed, |difference|, signed difference).
void draw_mode_menu(UiContext& ctx);

}  // namespace ax
