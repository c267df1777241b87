// Pieces shared by the lesson views (lesson_views.cpp, lesson_views_theory.cpp).
#pragma once

#include <vector>

#include "attn/base/types.hpp"
#include "panels/ui_context.hpp"

namespace ax {

// "computing..." while the step's evaluation runs, else "nothing to show".
void lesson_view_waiting(const UiContext& ctx);

// Bounds of a set of 2-D point sets (non-finite points skipped), padded.
void lesson_view_bounds(const std::vector<const attn::MatD*>& sets, double& x0, double& x1, double& y0, double& y1);

}  // namespace ax
