// The attention panel: score, alpha, mask, precision and the methods compared.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_attention_panel(UiContext& ctx);

}  // namespace ax
