// The main menu bar: File (scenarios, quit), Lessons, Export, View and Help.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_menu_bar(UiContext& ctx);

}  // namespace ax
