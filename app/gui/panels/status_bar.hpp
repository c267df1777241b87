// The status bar: the data's size, the compute path and time, what is computing, the frame time.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_status_bar(UiContext& ctx);

}  // namespace ax
