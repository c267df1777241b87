#include "widgets/colour_bar.hpp"

#include <algorithm>
#include <cmath>

#include "colour/colormap.hpp"

namespace ax::widgets {
namespace {

constexpr ImU32 kTextColour = IM_COL32(220, 220, 225, 255);

// Two lines, "perturbed" then "> clean", left-aligned at `x` from `y` down.
void sign_words(ImDrawList* draw, float x, float y, const std::string& subject, const std::string& relation) {
  const float line = ImGui::GetTextLineHeight();
  draw->AddText(ImVec2(x, y), kTextColour, subject.c_str());
  draw->AddText(ImVec2(x, y + line), kTextColour, relation.c_str());
}

}  // namespace

constexpr float kBarWidth = 12.0f, kLabelGap = 6.0f;

float ColourBarWidth(const ColourRange& range, const SignWords* signs) {
  // Every label a tall bar could show (a shorter one shows fewer).
  float labels = 0.0f;
  for (const ColourBarLabel& label : colour_bar_labels(range, 4000.0f, ImGui::GetTextLineHeight())) {
    labels = std::max(labels, ImGui::CalcTextSize(label.text.c_str()).x);
  }
  float width = kBarWidth + kLabelGap + labels + 2.0f;
  if (signs && is_signed_range(range)) {
    width = std::max({width, ImGui::CalcTextSize(signs->subject.c_str()).x,
                      ImGui::CalcTextSize(("> " + signs->baseline).c_str()).x});
  }
  return width;
}

void ColourBar(const char* id, ImVec2 size, const ColourRange& range, const SignWords* signs) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const float bar_width = std::min(kBarWidth, size.x * 0.3f);
  // A signed scale names its signs in two lines above and two below the bar, when the bar keeps
  // at least four lines of its own.
  const bool words = signs && is_signed_range(range) && size.y >= line * 8.0f;
  const float words_height = words ? line * 2.0f + 2.0f : 0.0f;
  const ImVec2 p0(origin.x, origin.y + words_height + line * 0.5f);
  const ImVec2 p1(origin.x + bar_width, origin.y + size.y - words_height - line * 0.5f);
  const int slices = 128;
  for (int k = 0; k < slices; ++k) {
    const double t0 = static_cast<double>(k) / slices;
    const Rgb c = colormap_colour(range.map, (k + 0.5) / slices);
    const float y1 = p1.y - static_cast<float>(t0) * (p1.y - p0.y);
    const float y0 = p1.y - static_cast<float>(t0 + 1.0 / slices) * (p1.y - p0.y);
    draw->AddRectFilled(ImVec2(p0.x, y0), ImVec2(p1.x, y1 + 0.5f), IM_COL32(c.r, c.g, c.b, 255));
  }
  draw->AddRect(p0, p1, IM_COL32(180, 180, 190, 255));
  for (const ColourBarLabel& label : colour_bar_labels(range, p1.y - p0.y, line)) {
    const float y = p1.y - label.position * (p1.y - p0.y);
    draw->AddLine(ImVec2(p1.x, y), ImVec2(p1.x + 4.0f, y), kTextColour);
    draw->AddText(ImVec2(p1.x + kLabelGap, y - line * 0.5f), kTextColour, label.text.c_str());
  }
  if (words) {
    sign_words(draw, origin.x, origin.y, signs->subject, "> " + signs->baseline);
    sign_words(draw, origin.x, p1.y + line * 0.5f + 2.0f, signs->subject, "< " + signs->baseline);
  }
  if (hovered && signs && is_signed_range(range)) {
    ImGui::SetTooltip("signed difference, %s minus %s, from %s to %s\nabove 0: %s\nbelow 0: %s", signs->subject.c_str(),
                      signs->baseline.c_str(), colour_bar_text(range.lo, range).c_str(),
                      colour_bar_text(range.hi, range).c_str(), signs->positive().c_str(), signs->negative().c_str());
  }
  ImGui::PopID();
}

}  // namespace ax::widgets
