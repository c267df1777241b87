#include "widgets/points_editor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ax::widgets {

bool PointsEditor(const char* id, ImVec2 size, std::vector<std::array<double, 2>>& points, int& dragging,
                  const PointsEditorStyle& style) {
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plane", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const double e = style.extent;
  auto to_screen = [&](const std::array<double, 2>& p) {
    return ImVec2(static_cast<float>(p0.x + (p[0] + e) / (2 * e) * size.x),
                  static_cast<float>(p1.y - (p[1] + e) / (2 * e) * size.y));
  };
  auto to_plane = [&](ImVec2 s) {
    return std::array<double, 2>{std::clamp((s.x - p0.x) / size.x * 2 * e - e, -e, e),
                                 std::clamp((p1.y - s.y) / size.y * 2 * e - e, -e, e)};
  };
  draw->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
  for (int k = -static_cast<int>(e); k <= static_cast<int>(e); ++k) {
    const ImVec2 a = to_screen({static_cast<double>(k), -e}), b = to_screen({static_cast<double>(k), e});
    const ImVec2 c = to_screen({-e, static_cast<double>(k)}), d = to_screen({e, static_cast<double>(k)});
    const ImU32 colour = k == 0 ? IM_COL32(150, 150, 160, 160) : IM_COL32(90, 90, 100, 70);
    draw->AddLine(a, b, colour);
    draw->AddLine(c, d, colour);
  }
  draw->AddRect(p0, p1, IM_COL32(180, 180, 190, 255));

  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float pick_radius = 9.0f;
  int under = -1;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const ImVec2 s = to_screen(points[k]);
    if (std::hypot(s.x - mouse.x, s.y - mouse.y) <= pick_radius) under = static_cast<int>(k);
  }
  bool changed = false;
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    if (under >= 0) {
      dragging = under;
    } else if (points.size() < 512) {
      points.push_back(to_plane(mouse));
      changed = true;
    }
  }
  if (dragging >= 0 && dragging < static_cast<int>(points.size())) {
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      const auto moved = to_plane(mouse);
      if (moved != points[static_cast<std::size_t>(dragging)]) {
        points[static_cast<std::size_t>(dragging)] = moved;
        changed = true;
      }
    } else {
      dragging = -1;
    }
  }
  if (hovered && under >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Right) && points.size() > 1) {
    points.erase(points.begin() + under);
    dragging = -1;
    changed = true;
  }
  for (std::size_t k = 0; k < points.size(); ++k) {
    const ImVec2 s = to_screen(points[k]);
    draw->AddCircleFilled(s, 5.5f, IM_COL32(86, 180, 233, 255));
    if (static_cast<int>(k) == style.highlight) draw->AddCircle(s, 9.0f, IM_COL32(255, 210, 80, 255), 0, 2.0f);
    char label[24];
    std::snprintf(label, sizeof label, "%zu", k);
    draw->AddText(ImVec2(s.x + 6.0f, s.y - 16.0f), IM_COL32(220, 220, 225, 200), label);
  }
  ImGui::PopID();
  return changed;
}

}  // namespace ax::widgets
