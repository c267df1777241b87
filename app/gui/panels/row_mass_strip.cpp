#include "panels/row_mass_strip.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace ax {

const attn::Vec<float>* shown_row_mass(const MethodResult& r, HeatmapMode mode) {
  if (mode != HeatmapMode::Clean && mode != HeatmapMode::Perturbed) return nullptr;  // a difference view
  const attn::Vec<float>& mass = mode == HeatmapMode::Perturbed ? r.row_mass_perturbed : r.row_mass_clean;
  return mass.size() > 0 ? &mass : nullptr;
}

void draw_row_mass_strip(UiContext& ctx, std::size_t k, HeatmapMode mode, ImVec2 at, float height) {
  const MethodResult& r = ctx.result->methods[k];
  const attn::Vec<float>* mass = shown_row_mass(r, mode);
  if (!mass) return;
  const ViewSettings& v = ctx.state.view;
  const attn::Index n = mass->size();
  // The bar's full length is the larger of 1 and the largest mass (sigmoid attention's rows can
  // hold more than 1): an empty bar is a row that declines to attend.
  float top = 1.0f;
  for (attn::Index i = 0; i < n; ++i) {
    if (std::isfinite((*mass)(i))) top = std::max(top, (*mass)(i));
  }
  ImGui::SetCursorScreenPos(at);
  ImGui::Dummy(ImVec2(kRowMassStripWidth, height));
  record_layout(ctx, "row_mass:" + std::to_string(k));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(at.x + kRowMassStripWidth, at.y + height);
  draw->AddRectFilled(at, end, IM_COL32(30, 30, 34, 255));
  draw->PushClipRect(at, end, true);
  const float row_h = height * v.zoom / static_cast<float>(n);
  const float offset = v.pan[1] * height * v.zoom;
  const attn::Index first = std::clamp<attn::Index>(static_cast<attn::Index>(offset / row_h), 0, n - 1);
  const attn::Index last = std::clamp<attn::Index>(static_cast<attn::Index>((offset + height) / row_h) + 1, 0, n);
  for (attn::Index i = first; i < last; ++i) {
    const float y0 = at.y + static_cast<float>(i) * row_h - offset, y1 = y0 + std::max(row_h, 1.0f);
    const float value = (*mass)(i);
    if (!std::isfinite(value)) {  // undefined: hatched grey, as the heatmap's undefined rows
      draw->AddRectFilled(ImVec2(at.x, y0), ImVec2(end.x, y1), IM_COL32(128, 128, 128, 255));
      continue;
    }
    const float length = kRowMassStripWidth * std::clamp(value / top, 0.0f, 1.0f);
    draw->AddRectFilled(ImVec2(at.x, y0), ImVec2(at.x + length, y1), IM_COL32(230, 190, 90, 255));
  }
  draw->PopClipRect();
  draw->AddRect(at, end, IM_COL32(180, 180, 190, 255));
  if (ImGui::IsItemHovered()) {
    const float w = v.pan[1] + (ImGui::GetIO().MousePos.y - at.y) / height / v.zoom;
    const auto i = std::clamp<attn::Index>(static_cast<attn::Index>(w * static_cast<float>(n)), 0, n - 1);
    const float value = (*mass)(i);
    if (std::isfinite(value)) {
      ImGui::SetTooltip("query %ld: row mass sum_j w_ij = %.4g (full bar: %.3g)\n%s's rows need not sum to 1",
                        static_cast<long>(i), static_cast<double>(value), static_cast<double>(top), r.spec.c_str());
    } else {
      ImGui::SetTooltip("query %ld: weights undefined", static_cast<long>(i));
    }
  }
  float least = top;
  attn::Index defined = 0;
  for (attn::Index i = 0; i < n; ++i) {
    if (!std::isfinite((*mass)(i))) continue;
    least = std::min(least, (*mass)(i));
    ++defined;
  }
  // Beside what the heatmap's own record says (cell_image wrote it this frame).
  ctx.scratch.drawn.heatmaps["heatmap:" + std::to_string(k)]["row_mass"] = {
      {"rows", n}, {"defined_rows", defined}, {"top", top}, {"least", defined ? least : top}};
}

}  // namespace ax
