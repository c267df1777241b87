#include "widgets/colour_bar.hpp"

#include <algorithm>
#include <cmath>

#include "colour/colormap.hpp"
#include "widgets/plot.hpp"

namespace ax::widgets {

void ColourBar(const char* id, ImVec2 size, const ColourRange& range) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const float bar_width = std::min(12.0f, size.x * 0.3f);
  const ImVec2 p0(origin.x, origin.y + line * 0.5f);
  const ImVec2 p1(origin.x + bar_width, origin.y + size.y - line * 0.5f);
  const int slices = 128;
  for (int k = 0; k < slices; ++k) {
    const double t0 = static_cast<double>(k) / slices;
    const Rgb c = colormap_colour(range.map, (k + 0.5) / slices);
    const float y1 = p1.y - static_cast<float>(t0) * (p1.y - p0.y);
    const float y0 = p1.y - static_cast<float>(t0 + 1.0 / slices) * (p1.y - p0.y);
    draw->AddRectFilled(ImVec2(p0.x, y0), ImVec2(p1.x, y1 + 0.5f), IM_COL32(c.r, c.g, c.b, 255));
  }
  draw->AddRect(p0, p1, IM_COL32(180, 180, 190, 255));
  const auto ticks = range.log ? log_ticks(range.lo, range.hi, 6) : linear_ticks(range.lo, range.hi, 4);
  std::vector<double> labelled(ticks.begin(), ticks.end());
  if (labelled.empty() || range.log) {
    // Always label both ends so the scale is readable however few ticks fall inside it.
    labelled.push_back(range.lo);
    labelled.push_back(range.hi);
  }
  std::sort(labelled.begin(), labelled.end());
  labelled.erase(std::unique(labelled.begin(), labelled.end()), labelled.end());

  // From the top down: the range's ends first, then ticks that do not touch a label already drawn.
  std::stable_sort(labelled.begin(), labelled.end(), [&](double a, double b) {
    const bool end_a = a == range.lo || a == range.hi, end_b = b == range.lo || b == range.hi;
    return end_a && !end_b;
  });
  std::vector<float> taken;
  for (double t : labelled) {
    const float u = normalized_value(static_cast<float>(t), range);
    if (!(u >= 0.0f && u <= 1.0f)) continue;
    const float y = p1.y - u * (p1.y - p0.y);
    bool crowded = false;
    for (float other : taken) crowded = crowded || std::abs(other - y) < line * 0.95f;
    if (crowded) continue;
    taken.push_back(y);

    draw->AddLine(ImVec2(p1.x, y), ImVec2(p1.x + 4.0f, y), IM_COL32(220, 220, 225, 255));
    char label[32];
    std::snprintf(label, sizeof label, "%.3g", t);
    draw->AddText(ImVec2(p1.x + 6.0f, y - line * 0.5f), IM_COL32(220, 220, 225, 255), label);
  }
  ImGui::PopID();
}

}  // namespace ax::widgets
