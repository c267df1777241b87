// The data panel: generated vectors, 2-D points, or files typed or dropped.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_data_panel(UiContext& ctx);

}  // namespace ax
