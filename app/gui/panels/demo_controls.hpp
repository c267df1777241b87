// Presenting the demo: M, the methods and the view mode in a compact panel, and the list of keys
// (the controller applies the keys).
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_demo_controls(UiContext& ctx);
// The shift M's slider alone (its keys reset and sweep it): in a lesson's explorer steps.
void draw_shift_control(UiContext& ctx);
// The list of keys (H), over everything, while the controller says it is shown.
void draw_key_help(UiContext& ctx);

}  // namespace ax
