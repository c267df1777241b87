// The sentence mode's panels: the sentence and its model (inside the data panel), and the
// next-token predictions clean and perturbed.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_sentence_controls(UiContext& ctx);
void draw_predictions_panel(UiContext& ctx);

}  // namespace ax
