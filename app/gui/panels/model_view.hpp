// The model view: every layer and head of a model file as small multiples; a click or the
// keys open a head in the heatmap grid. And the badges that compare with the model's weights.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_model_view(UiContext& ctx);
// Height the model view wants for its grid at `width` (0 when no model file is loaded).
float model_view_height(const UiContext& ctx, float width, float max_height);
// The badge of the model's own weights: how far exp recomputed from Q and K lands from them.
void draw_reference_badge(const UiContext& ctx, bool same_line, float right_edge);
// The badge of a method's difference from the model's weights.
void draw_versus_model_badge(const MethodResult& method, bool perturbed, bool same_line, float right_edge);

}  // namespace ax
