#include "widgets/bar_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "figures/axis_ticks.hpp"
#include "widgets/plot.hpp"

namespace ax::widgets {

namespace {

std::string pooled_note(std::size_t count, float width) {
  char text[96];
  std::snprintf(text, sizeof text, "(%.0f per pixel: min..max)",
                std::ceil(static_cast<double>(count) / std::max(1.0, static_cast<double>(width))));
  return text;
}

// One pixel column per block of bars: the first series filled from zero to its extreme values,
// the others as marks at theirs; a block holding an undefined value is hatched.
template <class YOf>
void draw_pooled_bars(ImDrawList* draw, std::span<const BarSeries> series, const std::vector<bool>& masked,
                      std::size_t count, ImVec2 p0, ImVec2 p1, float zero, const YOf& y_of) {
  const int columns = std::max(1, static_cast<int>(p1.x - p0.x));
  for (int c = 0; c < columns; ++c) {
    const std::size_t k0 = count * static_cast<std::size_t>(c) / static_cast<std::size_t>(columns);
    const std::size_t k1 =
        std::max(k0 + 1, count * static_cast<std::size_t>(c + 1) / static_cast<std::size_t>(columns));
    const float x0 = p0.x + static_cast<float>(c), x1 = x0 + 1.0f;
    for (std::size_t s = 0; s < series.size(); ++s) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      bool undefined = false;
      for (std::size_t k = k0; k < k1 && k < series[s].values.size(); ++k) {
        const double v = series[s].values[k];
        if (!std::isfinite(v)) {
          undefined = undefined || !(k < masked.size() && masked[k]);  // a masked key has no score: not undefined
          continue;
        }
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      if (undefined) draw->AddRectFilled(ImVec2(x0, p0.y), ImVec2(x1, p1.y), IM_COL32(110, 110, 110, 70));
      if (!(lo <= hi)) continue;
      if (s == 0) {
        draw->AddRectFilled(ImVec2(x0, std::min(zero, y_of(hi))), ImVec2(x1, std::max(zero, y_of(lo)) + 0.5f),
                            series[s].colour);
      } else {
        draw->AddRectFilled(ImVec2(x0, y_of(hi) - 1.0f), ImVec2(x1, y_of(hi) + 1.0f), series[s].colour);
        if (lo < 0.0) draw->AddRectFilled(ImVec2(x0, y_of(lo) - 1.0f), ImVec2(x1, y_of(lo) + 1.0f), series[s].colour);
      }
    }
  }
}

constexpr ImU32 kTextColour = IM_COL32(220, 220, 225, 255);

// The chart's rectangle on screen, its value range and the width of a bar's slot.
struct BarFrame {
  ImDrawList* draw;
  float line;  // text line height
  ImVec2 p0, p1;
  double lo, hi;
  float slot;  // per bar position
  float y_of(double v) const { return static_cast<float>(p1.y - (v - lo) / (hi - lo) * (p1.y - p0.y)); }
};

// One bar per series at each position (fewer bars than pixels), the hovered position lit.
void draw_each_bar(const BarFrame& f, std::span<const BarSeries> series, const BarOptions& options, std::size_t count,
                   int hovered_index) {
  ImDrawList* draw = f.draw;
  const ImVec2 p0 = f.p0, p1 = f.p1;
  const float slot = f.slot, zero = f.y_of(0.0);
  const float bar = std::max(1.0f, (slot * 0.8f) / static_cast<float>(std::max<std::size_t>(series.size(), 1)));
  for (std::size_t k = 0; k < count; ++k) {
    const float x = p0.x + slot * static_cast<float>(k) + slot * 0.1f;
    const bool masked = k < options.masked.size() && options.masked[k];
    if (static_cast<int>(k) == hovered_index) {
      draw->AddRectFilled(ImVec2(p0.x + slot * static_cast<float>(k), p0.y),
                          ImVec2(p0.x + slot * static_cast<float>(k + 1), p1.y), IM_COL32(255, 255, 255, 25));
    }
    for (std::size_t s = 0; s < series.size(); ++s) {
      if (k >= series[s].values.size()) continue;
      const double v = series[s].values[k];
      const float x0 = x + bar * static_cast<float>(s), x1 = x0 + bar - (bar > 3.0f ? 1.0f : 0.0f);
      if (!std::isfinite(v)) {
        if (masked) continue;  // a masked key's score is never computed: no bar
        // Undefined: grey hatch over the full height, never a bar of some height.
        draw->AddRectFilled(ImVec2(x0, p0.y), ImVec2(x1, p1.y), IM_COL32(110, 110, 110, 70));
        continue;
      }
      ImU32 colour = series[s].colour;
      if (masked) colour = (colour & 0x00FFFFFF) | 0x50000000;
      draw->AddRectFilled(ImVec2(x0, std::min(zero, f.y_of(v))), ImVec2(x1, std::max(zero, f.y_of(v))), colour);
    }
    if (static_cast<int>(k) == options.highlight) {
      draw->AddTriangleFilled(ImVec2(x + slot * 0.4f, p1.y + 2.0f), ImVec2(x, p1.y + f.line * 0.6f),
                              ImVec2(x + slot * 0.8f, p1.y + f.line * 0.6f), IM_COL32(255, 210, 80, 255));
    }
  }
}

// Position labels under the bars: every one (on `rows` staggered rows) when `every_label`, else
// at round steps that leave each label its room.
void draw_position_labels(const BarFrame& f, const BarOptions& options, std::size_t count, bool every_label, int rows,
                          float left, float right_edge) {
  float widest = ImGui::CalcTextSize(std::to_string(count > 0 ? count - 1 : 0).c_str()).x;
  for (const auto& l : options.labels) widest = std::max(widest, ImGui::CalcTextSize(l.c_str()).x);
  std::vector<attn::Index> ticks;
  if (every_label) {
    for (std::size_t k = 0; k < count; ++k) ticks.push_back(static_cast<attn::Index>(k));
  } else {
    ticks = ax::axis_ticks(static_cast<attn::Index>(count), 0.0, static_cast<double>(count), f.slot, widest + 6.0f);
  }
  for (attn::Index k : ticks) {
    const std::string index = std::to_string(k);
    const auto u = static_cast<std::size_t>(k);
    const char* label = u < options.labels.size() ? options.labels[u].c_str() : index.c_str();
    const float w = ImGui::CalcTextSize(label).x;
    const float x = std::max(f.p0.x - left * 0.5f, f.p0.x + f.slot * (static_cast<float>(k) + 0.5f) - w * 0.5f);
    if (x + w > right_edge) continue;  // a label cut at the edge reads as another
    const float row = every_label ? static_cast<float>(k % rows) * f.line : 0.0f;
    f.draw->AddText(ImVec2(x, f.p1.y + f.line * 0.35f + row), kTextColour, label);
  }
}

// The values at the hovered position, undefined and masked ones said as such.
void bar_tooltip(std::span<const BarSeries> series, const BarOptions& options, int hovered_index) {
  ImGui::BeginTooltip();
  const auto k = static_cast<std::size_t>(hovered_index);
  ImGui::Text("key %d%s%s", hovered_index, k < options.labels.size() ? ": " : "",
              k < options.labels.size() ? options.labels[k].c_str() : "");
  for (const auto& s : series) {
    if (k >= s.values.size()) continue;
    if (std::isfinite(s.values[k])) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.colour), "%s: %.6g", s.label.c_str(), s.values[k]);
    } else if (k < options.masked.size() && options.masked[k]) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.colour), "%s: not computed", s.label.c_str());
    } else {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.colour), "%s: undefined", s.label.c_str());
    }
  }
  if (k < options.masked.size() && options.masked[k]) ImGui::TextUnformatted("(masked key)");
  ImGui::EndTooltip();
}

}  // namespace

int BarChart(const char* id, ImVec2 size, std::span<const BarSeries> series, const BarOptions& options) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##bars", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();

  std::size_t count = 0;
  double lo = 0.0, hi = 0.0;
  for (const auto& s : series) {
    count = std::max(count, s.values.size());
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (options.y_max) hi = std::max(hi, *options.y_max);
  if (hi == lo) hi = lo + 1.0;

  const float left = ImGui::CalcTextSize("-0.000").x + line * 0.8f;
  // A few labelled bars (the words of a sentence) each keep their label: on two staggered rows
  // when neighbours would touch, rather than every second word left out.
  float widest_label = 0.0f;
  for (const auto& l : options.labels) widest_label = std::max(widest_label, ImGui::CalcTextSize(l.c_str()).x);
  const bool few = !options.labels.empty() && count <= 32;
  const float plot_width = size.x - 4.0f - left;
  const float per_bar = count > 0 ? plot_width / static_cast<float>(count) : plot_width;
  // Rows of labels needed so that labels on one row never touch (at most three).
  const int label_rows = few ? static_cast<int>(std::ceil((widest_label + 6.0f) / std::max(per_bar, 1.0f))) : 1;
  const int rows = label_rows <= 3 ? std::max(label_rows, 1) : 1;
  const ImVec2 p0(origin.x + left, origin.y + line * 1.2f);
  const ImVec2 p1(origin.x + size.x - 4.0f, origin.y + size.y - line * (0.4f + static_cast<float>(rows)));
  int hovered_index = -1;
  if (count == 0 || p1.x - p0.x < 10.0f || p1.y - p0.y < 10.0f) {
    ImGui::PopID();
    return hovered_index;
  }
  const BarFrame frame{draw, line, p0, p1, lo, hi, (p1.x - p0.x) / static_cast<float>(count)};
  draw->AddText(ImVec2(origin.x, origin.y), kTextColour, options.title);
  draw->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
  for (double t : linear_ticks(lo, hi, 4)) {
    const float y = frame.y_of(t);
    draw->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), IM_COL32(120, 120, 130, 60));
    const std::string label = tick_label(t, false);
    draw->AddText(ImVec2(p0.x - ImGui::CalcTextSize(label.c_str()).x - 3.0f, y - line * 0.5f), kTextColour,
                  label.c_str());
  }
  const float zero = frame.y_of(0.0);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (hovered && mouse.x >= p0.x && mouse.x < p1.x) hovered_index = static_cast<int>((mouse.x - p0.x) / frame.slot);
  if (hovered_index >= static_cast<int>(count)) hovered_index = -1;

  if (frame.slot < 1.0f) {
    // More bars than pixels: each pixel column shows the extent of the bars it covers, so a
    // single peak is never lost (drawing every bar would overdraw thousands per pixel).
    draw_pooled_bars(draw, series, options.masked, count, p0, p1, zero, [&](double v) { return frame.y_of(v); });
    // Beside the title when it fits (a note cut at the edge would read as something else).
    const std::string note = pooled_note(count, p1.x - p0.x);
    const float x = origin.x + ImGui::CalcTextSize(options.title).x + 8.0f;
    if (x + ImGui::CalcTextSize(note.c_str()).x <= origin.x + size.x) {
      draw->AddText(ImVec2(x, origin.y), IM_COL32(150, 150, 160, 255), note.c_str());
    }
  } else {
    draw_each_bar(frame, series, options, count, hovered_index);
  }
  draw->AddLine(ImVec2(p0.x, zero), ImVec2(p1.x, zero), IM_COL32(200, 200, 200, 160));
  draw_position_labels(frame, options, count, few && label_rows <= 3, rows, left, origin.x + size.x);
  if (hovered_index >= 0) bar_tooltip(series, options, hovered_index);
  ImGui::PopID();
  return hovered_index;
}

}  // namespace ax::widgets
