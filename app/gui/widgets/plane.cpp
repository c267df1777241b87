#include "widgets/plane.hpp"

#include <algorithm>
#include <cmath>

namespace ax::widgets {

Plane::Plane(const char* id, ImVec2 size, double x0, double x1, double y0, double y1) {
  p0_ = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  hovered_ = ImGui::IsItemHovered();
  active_ = ImGui::IsItemActive();
  p1_ = ImVec2(p0_.x + size.x, p0_.y + size.y);
  draw_ = ImGui::GetWindowDrawList();
  cx_ = (x0 + x1) / 2;
  cy_ = (y0 + y1) / 2;
  const double span = std::max({x1 - x0, y1 - y0, 1e-9});
  scale_ = std::min(size.x, size.y) / span;
  draw_->AddRectFilled(p0_, p1_, IM_COL32(22, 22, 27, 255));
  // Grid: lines at whole numbers when they are not too dense, else at tens.
  const double step = span > 40 ? 10.0 : (span > 8 ? 2.0 : (span > 2 ? 1.0 : 0.25));
  double gx0 = 0, gy0 = 0, gx1 = 0, gy1 = 0;
  to_plane(p0_, gx0, gy1);
  to_plane(p1_, gx1, gy0);
  for (double x = std::ceil(gx0 / step) * step; x <= gx1; x += step) {
    draw_->AddLine(to_screen(x, gy0), to_screen(x, gy1),
                   std::abs(x) < 1e-9 ? IM_COL32(140, 140, 150, 140) : IM_COL32(90, 90, 100, 50));
  }
  for (double y = std::ceil(gy0 / step) * step; y <= gy1; y += step) {
    draw_->AddLine(to_screen(gx0, y), to_screen(gx1, y),
                   std::abs(y) < 1e-9 ? IM_COL32(140, 140, 150, 140) : IM_COL32(90, 90, 100, 50));
  }
  draw_->AddRect(p0_, p1_, IM_COL32(160, 160, 170, 255));
}

ImVec2 Plane::to_screen(double x, double y) const {
  const double mx = (p0_.x + p1_.x) / 2, my = (p0_.y + p1_.y) / 2;
  return ImVec2(static_cast<float>(mx + (x - cx_) * scale_), static_cast<float>(my - (y - cy_) * scale_));
}

void Plane::to_plane(ImVec2 p, double& x, double& y) const {
  const double mx = (p0_.x + p1_.x) / 2, my = (p0_.y + p1_.y) / 2;
  x = cx_ + (p.x - mx) / scale_;
  y = cy_ - (p.y - my) / scale_;
}

void Plane::arrow(double x0, double y0, double x1, double y1, ImU32 colour, float thickness) const {
  const ImVec2 a = to_screen(x0, y0), b = to_screen(x1, y1);
  draw_->AddLine(a, b, colour, thickness);
  const float dx = b.x - a.x, dy = b.y - a.y, length = std::sqrt(dx * dx + dy * dy);
  if (length < 4.0f) return;
  const float ux = dx / length, uy = dy / length, head = std::min(9.0f, length * 0.4f);
  draw_->AddTriangleFilled(b, ImVec2(b.x - ux * head - uy * head * 0.5f, b.y - uy * head + ux * head * 0.5f),
                           ImVec2(b.x - ux * head + uy * head * 0.5f, b.y - uy * head - ux * head * 0.5f), colour);
}

void Plane::label(double x, double y, const char* text, ImU32 colour) {
  const ImVec2 p = to_screen(x, y), size = ImGui::CalcTextSize(text);
  const float h = size.y, right = p.x + 6.0f, left = p.x - 6.0f - size.x;
  // Inside the box: a label past its edge ran over the text beside the plane.
  auto inside = [&](ImVec2 at) {
    return ImVec2(std::clamp(at.x, p0_.x + 2.0f, std::max(p1_.x - size.x - 2.0f, p0_.x + 2.0f)),
                  std::clamp(at.y, p0_.y + 1.0f, std::max(p1_.y - size.y - 1.0f, p0_.y + 1.0f)));
  };
  auto overlap = [&](ImVec2 at) {
    float area = 0.0f;
    for (const auto& r : labels_) {
      const float w = std::min(at.x + size.x, r[2]) - std::max(at.x, r[0]);
      const float v = std::min(at.y + size.y, r[3]) - std::max(at.y, r[1]);
      if (w > 0.0f && v > 0.0f) area += w * v;
    }
    return area;
  };
  // Above right first (where labels always went), then below, left, and further up or down, one
  // line at a time; when every place overlaps a label, the place that overlaps least.
  ImVec2 best = inside(ImVec2(right, p.y - h));
  float best_overlap = overlap(best);
  for (int k = 0; k < 6 && best_overlap > 0.0f; ++k) {
    const float up = p.y - h * static_cast<float>(k + 1), down = p.y + 2.0f + h * static_cast<float>(k);
    for (const ImVec2 at : {ImVec2(right, up), ImVec2(right, down), ImVec2(left, up), ImVec2(left, down)}) {
      const ImVec2 placed = inside(at);
      const float area = overlap(placed);
      if (area < best_overlap) best = placed, best_overlap = area;
      if (best_overlap <= 0.0f) break;
    }
  }
  draw_->AddText(best, colour, text);
  labels_.push_back({best.x, best.y, best.x + size.x, best.y + size.y});
}

}  // namespace ax::widgets
