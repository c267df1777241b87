// The view of the current lesson step: the explorer, a figure, propagation, words or
// classification.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_lesson_view(UiContext& ctx);

}  // namespace ax
