// The error bar and short notices, each with its dismiss button; notices fade. Several messages
// take one line (the latest and "+N more") until the user expands them.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_message_bar(UiContext& ctx);
// How many lines the bar needs this frame (its window is sized before it is drawn).
int message_bar_lines(const UiContext& ctx);

}  // namespace ax
