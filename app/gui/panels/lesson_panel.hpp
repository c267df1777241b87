// The lesson panel (where we are, the text, the question and its answer, the claims measured now)
// and the Lessons menu.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_lesson_panel(UiContext& ctx);
void draw_lessons_menu(UiContext& ctx);

}  // namespace ax
