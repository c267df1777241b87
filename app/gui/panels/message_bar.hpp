// The error bar and short notices, each with its dismiss button; notices fade.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_message_bar(UiContext& ctx);

}  // namespace ax
