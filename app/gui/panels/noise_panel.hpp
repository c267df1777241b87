// The noise panel: shifts, scale, score and vector noise, and the Monte Carlo study.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_noise_panel(UiContext& ctx);

}  // namespace ax
