// The panels of the main window. Each draws inside the current ImGui window or creates its own,
// reading and editing ctx.state only.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_menu_bar(UiContext& ctx);
void draw_message_bar(UiContext& ctx);
void draw_data_panel(UiContext& ctx);
void draw_attention_panel(UiContext& ctx);
void draw_noise_panel(UiContext& ctx);
void draw_heatmap_grid(UiContext& ctx);
// The model view: every layer and head of a model file as small multiples; a click or the arrow
// keys open a head in the heatmap grid.
void draw_model_view(UiContext& ctx);
// Height the model view wants for its grid at `width` (0 when no model file is loaded).
float model_view_height(const UiContext& ctx, float width, float max_height);
// The badge of the model's own weights: how far exp recomputed from Q and K lands from them.
void draw_reference_badge(const UiContext& ctx, bool same_line, float right_edge);
// The badge of a method's difference from the model's weights.
void draw_versus_model_badge(const MethodResult& method, bool same_line, float right_edge);
void draw_invariance_chart(UiContext& ctx);
void draw_function_chart(UiContext& ctx);
void draw_row_inspector(UiContext& ctx);
// The invariance and F(z) charts as tabs, after a heatmaps tab when `with_heatmaps`.
void draw_chart_tabs(UiContext& ctx, const char* id, bool with_heatmaps = false);
void draw_status_bar(UiContext& ctx);
// One menu for the mode of every heatmap (clean, perturbed, |difference|, signed difference).
void draw_mode_menu(UiContext& ctx);

// Presenting the demo: M, the methods and the view mode in a compact panel; the list of keys.
void draw_demo_controls(UiContext& ctx);
// The shift M's slider alone (its keys reset and sweep it): in a lesson's explorer steps.
void draw_shift_control(UiContext& ctx);
void draw_key_help(UiContext& ctx);

// Lessons.
void draw_lesson_panel(UiContext& ctx);
void draw_lesson_view(UiContext& ctx);  // the current step's view
void draw_lessons_menu(UiContext& ctx);

}  // namespace ax
