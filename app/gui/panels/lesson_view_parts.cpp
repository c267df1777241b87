#include "panels/lesson_view_parts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "imgui.h"

namespace ax {

void lesson_view_waiting(const UiContext& ctx) {
  ImGui::TextUnformatted(ctx.app.lesson().evaluating() ? "computing..." : "nothing to show");
}

void lesson_view_bounds(const std::vector<const attn::MatD*>& sets, double& x0, double& x1, double& y0, double& y1) {
  x0 = y0 = std::numeric_limits<double>::infinity();
  x1 = y1 = -x0;
  for (const auto* m : sets) {
    for (attn::Index i = 0; i < m->rows(); ++i) {
      if (!std::isfinite((*m)(i, 0)) || !std::isfinite((*m)(i, 1))) continue;
      x0 = std::min(x0, (*m)(i, 0));
      x1 = std::max(x1, (*m)(i, 0));
      y0 = std::min(y0, (*m)(i, 1));
      y1 = std::max(y1, (*m)(i, 1));
    }
  }
  if (!(x0 <= x1)) x0 = y0 = -1, x1 = y1 = 1;
  const double pad = 0.08 * std::max({x1 - x0, y1 - y0, 1.0});
  x0 -= pad, x1 += pad, y0 -= pad, y1 += pad;
}

}  // namespace ax
