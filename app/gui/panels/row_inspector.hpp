// The row inspector: one query's scores, F(s), weights, entropy, support and column sums.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_row_inspector(UiContext& ctx);

}  // namespace ax
