// The propagation view's modes other than stepping: drift, diffusion, metric and duplication.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_theory_view(UiContext& ctx);

}  // namespace ax
