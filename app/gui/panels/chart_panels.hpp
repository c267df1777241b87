// The charts: the deviation of W(M) from W(0) against M (log-log), and each method's F(z) over
// the histogram of the current scores.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_invariance_chart(UiContext& ctx);
void draw_function_chart(UiContext& ctx);
// The invariance and F(z) charts as tabs, after a heatmaps tab when `with_heatmaps`.
void draw_chart_tabs(UiContext& ctx, const char* id, bool with_heatmaps = false);

}  // namespace ax
