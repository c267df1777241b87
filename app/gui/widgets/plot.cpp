#include "widgets/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "figures/axis_ticks.hpp"

namespace ax::widgets {
namespace {

constexpr ImU32 kAxisColour = IM_COL32(180, 180, 190, 255);
constexpr ImU32 kGridColour = IM_COL32(120, 120, 130, 60);
constexpr ImU32 kTextColour = IM_COL32(220, 220, 225, 255);

struct Axis {
  bool log = false;
  double lo = 0.0, hi = 1.0;  // data units
  double to_unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  double from_unit(double t) const {
    if (log) return std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo)));
    return lo + t * (hi - lo);
  }
};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0.0); }

Axis fit_axis(bool log, std::optional<std::pair<double, double>> fixed, const std::vector<double>& values,
              double log_floor) {
  Axis axis;
  axis.log = log;
  if (fixed) {
    axis.lo = fixed->first;
    axis.hi = fixed->second;
  } else {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values) {
      if (log && std::isfinite(v)) v = std::max(v, log_floor);
      if (!usable(v, log)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (!(lo <= hi)) {
      lo = log ? 1e-3 : 0.0;
      hi = 1.0;
    }
    if (log) {
      lo = std::pow(10.0, std::floor(std::log10(lo)));
      hi = std::pow(10.0, std::ceil(std::log10(hi)));
      if (hi <= lo) hi = lo * 10.0;
    } else {
      const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, std::abs(hi)) * 0.5;
      lo -= pad;
      hi += pad;
    }
    axis.lo = lo;
    axis.hi = hi;
  }
  if (axis.log) {
    axis.lo = std::max(axis.lo, std::numeric_limits<double>::min());
    if (axis.hi <= axis.lo) axis.hi = axis.lo * 10.0;
  } else if (axis.hi <= axis.lo) {
    axis.hi = axis.lo + 1.0;
  }
  return axis;
}

}  // namespace

std::string tick_label(double value, bool log_axis) {
  char buffer[32];
  if (log_axis) {
    std::snprintf(buffer, sizeof buffer, "1e%d", static_cast<int>(std::lround(std::log10(value))));
  } else {
    std::snprintf(buffer, sizeof buffer, "%g", value);
  }
  return buffer;
}

namespace {

// The plot's rectangle on screen and its two axes: where a data point is drawn.
struct Frame {
  ImDrawList* draw;
  float line;  // text line height
  ImVec2 p0, p1;
  Axis ax, ay;
  ImVec2 to_screen(double x, double y) const {
    return ImVec2(static_cast<float>(p0.x + ax.to_unit(x) * (p1.x - p0.x)),
                  static_cast<float>(p1.y - ay.to_unit(y) * (p1.y - p0.y)));
  }
};

// Each axis fitted to every series (and the background bars' x range) unless fixed.
std::pair<Axis, Axis> fit_axes(std::span<const PlotSeries> series, const PlotOptions& options) {
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  if (options.background) {
    xs.push_back(options.background->x_lo);
    xs.push_back(options.background->x_hi);
  }
  return {fit_axis(options.log_x, options.x_range, xs, options.log_floor),
          fit_axis(options.log_y, options.y_range, ys, options.log_floor)};
}

struct LegendEntry {
  std::string label;
  ImU32 colour;
  bool bar;
};

// Legend entries; inside the plot when they fit in a corner, else in a band above it.
struct Legend {
  std::vector<LegendEntry> entries;
  bool inside = false;
  float box_w = 0.0f, box_h = 0.0f;
  std::vector<std::pair<ImVec2, std::size_t>> band;  // positions of the entries in the band
};

// Lays the legend out; a band above the plot moves the plot's top edge `p0.y` down.
Legend layout_legend(std::span<const PlotSeries> series, const PlotOptions& options, ImVec2 origin, ImVec2 size,
                     float line, ImVec2& p0, ImVec2 p1) {
  Legend legend;
  auto& entries = legend.entries;
  if (options.legend) {
    for (const auto& sr : series) entries.push_back({sr.label, sr.colour, false});
    if (options.background && !options.background->label.empty()) {
      entries.push_back({options.background->label, options.background->colour, true});
    }
  }
  float legend_width = 0.0f;
  for (const auto& e : entries) legend_width = std::max(legend_width, ImGui::CalcTextSize(e.label.c_str()).x);
  legend.box_w = legend_width + line * 2.2f;
  legend.box_h = static_cast<float>(entries.size()) * line + 6.0f;
  // Legends never cover data: they go in a band above the plot (the box is kept for a legend of
  // one entry, which fits in a corner that a single curve rarely reaches).
  legend.inside = entries.size() == 1 && legend.box_h < (p1.y - p0.y) * 0.3f && legend.box_w < (p1.x - p0.x) * 0.4f;
  if (!entries.empty() && !legend.inside) {
    float x = origin.x + 4.0f, y = p0.y;
    for (std::size_t k = 0; k < entries.size(); ++k) {
      const float w = ImGui::CalcTextSize(entries[k].label.c_str()).x + line * 1.9f;
      if (x + w > origin.x + size.x && x > origin.x + 4.0f) {
        x = origin.x + 4.0f;
        y += line;
      }
      legend.band.emplace_back(ImVec2(x, y), k);
      x += w;
    }
    p0.y = y + line + 4.0f;
  }
  return legend;
}

// Grid lines at every tick, tick labels, the frame and the axis labels.
void draw_grid(const Frame& f, const std::vector<double>& y_ticks, const PlotOptions& options, ImVec2 origin) {
  ImDrawList* draw = f.draw;
  const float line = f.line;
  const ImVec2 p0 = f.p0, p1 = f.p1;
  const auto x_ticks = f.ax.log ? log_ticks(f.ax.lo, f.ax.hi, 8) : linear_ticks(f.ax.lo, f.ax.hi, 6);
  // Every tick gets its grid line; labels are thinned to an even stride so that none touch.
  float widest = 0.0f, spacing = p1.x - p0.x;
  for (std::size_t k = 0; k < x_ticks.size(); ++k) {
    widest = std::max(widest, ImGui::CalcTextSize(tick_label(x_ticks[k], f.ax.log).c_str()).x);
    if (k > 0) spacing = std::min(spacing, f.to_screen(x_ticks[k], f.ay.lo).x - f.to_screen(x_ticks[k - 1], f.ay.lo).x);
  }
  const std::size_t x_stride = label_stride(spacing, widest + line * 0.6f);
  for (std::size_t k = 0; k < x_ticks.size(); ++k) {
    const float x = f.to_screen(x_ticks[k], f.ay.lo).x;
    draw->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), kGridColour);
    if (k % x_stride != 0) continue;
    const std::string label = tick_label(x_ticks[k], f.ax.log);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddText(ImVec2(x - w * 0.5f, p1.y + 2.0f), kTextColour, label.c_str());
  }
  // The y labels are thinned the same way, a line's height apart: in a short plot (lesson 6's
  // length figures presenting) the five decades' labels were drawn over each other.
  float y_spacing = p1.y - p0.y;
  for (std::size_t k = 1; k < y_ticks.size(); ++k) {
    y_spacing =
        std::min(y_spacing, std::abs(f.to_screen(f.ax.lo, y_ticks[k]).y - f.to_screen(f.ax.lo, y_ticks[k - 1]).y));
  }
  const std::size_t y_stride = label_stride(y_spacing, line * 1.1f);
  for (std::size_t k = 0; k < y_ticks.size(); ++k) {
    const double t = y_ticks[k];
    const float y = f.to_screen(f.ax.lo, t).y;
    draw->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), kGridColour);
    if (k % y_stride != 0) continue;
    const std::string label = tick_label(t, f.ay.log);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddText(ImVec2(p0.x - w - 4.0f, y - line * 0.5f), kTextColour, label.c_str());
  }
  draw->AddRect(p0, p1, kAxisColour);
  if (options.x_label && *options.x_label) {
    const float w = ImGui::CalcTextSize(options.x_label).x;
    draw->AddText(ImVec2((p0.x + p1.x - w) * 0.5f, p1.y + line + 4.0f), kTextColour, options.x_label);
  }
  if (options.y_label && *options.y_label) {
    draw->AddText(ImVec2(origin.x + 2.0f, origin.y), kTextColour, options.y_label);
  }
}

// The background bars and the series, clipped to the plot.
void draw_data(const Frame& f, std::span<const PlotSeries> series, const PlotOptions& options) {
  ImDrawList* draw = f.draw;
  draw->PushClipRect(f.p0, f.p1, true);
  if (const PlotBackgroundBars* bars = options.background; bars && !bars->heights.empty()) {
    const double top = *std::max_element(bars->heights.begin(), bars->heights.end());
    const double width = (bars->x_hi - bars->x_lo) / static_cast<double>(bars->heights.size());
    for (std::size_t k = 0; k < bars->heights.size() && top > 0.0; ++k) {
      const float x0 = f.to_screen(bars->x_lo + width * static_cast<double>(k), f.ay.lo).x;
      const float x1 = f.to_screen(bars->x_lo + width * static_cast<double>(k + 1), f.ay.lo).x;
      const float h = static_cast<float>(bars->heights[k] / top) * (f.p1.y - f.p0.y) * 0.9f;
      draw->AddRectFilled(ImVec2(x0 + 0.5f, f.p1.y - h), ImVec2(x1 - 0.5f, f.p1.y), bars->colour);
    }
  }
  for (const auto& s : series) {
    std::vector<ImVec2> run;
    auto flush = [&] {
      if (run.size() >= 2) draw->AddPolyline(run.data(), static_cast<int>(run.size()), s.colour, 0, s.thickness);
      run.clear();
    };
    for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
      double y = s.y[k];
      if (f.ay.log && std::isfinite(y)) y = std::max(y, options.log_floor);
      if (!usable(s.x[k], f.ax.log) || !usable(y, f.ay.log)) {
        flush();
        continue;
      }
      const ImVec2 p = f.to_screen(s.x[k], y);
      run.push_back(p);
      if (s.markers) draw->AddCircleFilled(p, s.thickness + 1.5f, s.colour);
    }
    flush();
  }
  draw->PopClipRect();
}

// How many of the series' line segments cross the screen box [x0, x1] x [y0, y1].
int segments_through(const Frame& f, std::span<const PlotSeries> series, float x0, float x1, float y0, float y1) {
  int crossings = 0;
  for (const auto& s : series) {
    for (std::size_t i = 0; i + 1 < s.x.size() && i + 1 < s.y.size(); ++i) {
      if (!usable(s.x[i], f.ax.log) || !usable(s.x[i + 1], f.ax.log) || !usable(s.y[i], f.ay.log) ||
          !usable(s.y[i + 1], f.ay.log)) {
        continue;
      }
      const ImVec2 a = f.to_screen(s.x[i], s.y[i]), b = f.to_screen(s.x[i + 1], s.y[i + 1]);
      const float lo = std::max(std::min(a.x, b.x), x0), hi = std::min(std::max(a.x, b.x), x1);
      if (lo > hi) continue;
      // The segment's y over [lo, hi] (a vertical segment: its whole extent).
      const auto y_at = [&](float x) { return b.x == a.x ? a.y : a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x); };
      const float ya = b.x == a.x ? std::min(a.y, b.y) : y_at(lo), yb = b.x == a.x ? std::max(a.y, b.y) : y_at(hi);
      if (std::max(ya, yb) >= y0 && std::min(ya, yb) <= y1) ++crossings;
    }
  }
  return crossings;
}

// The dashed marker line at options.x_marker with its label, or the label alone in a corner.
void draw_x_marker(const Frame& f, std::span<const PlotSeries> series, const PlotOptions& options) {
  ImDrawList* draw = f.draw;
  const float line = f.line;
  const ImVec2 p0 = f.p0, p1 = f.p1;
  const double m = *options.x_marker;
  const float w = ImGui::CalcTextSize(options.x_marker_label.c_str()).x;
  if (usable(m, f.ax.log) && m >= f.ax.lo && m <= f.ax.hi) {
    const float x = f.to_screen(m, f.ay.lo).x;
    for (float y = p0.y; y < p1.y; y += 8.0f) {
      draw->AddLine(ImVec2(x, y), ImVec2(x, std::min(y + 5.0f, p1.y)), IM_COL32(255, 210, 80, 230), 2.0f);
    }
    // The label on the side of the line with more room, at the height fewest lines cross, the
    // highest of those (issue 15: "M = 2.5" sat on the curves).
    const float lx = x + 4.0f + w < p1.x ? x + 4.0f : x - 4.0f - w;
    float ly = p0.y + 2.0f;
    int fewest = -1;
    for (float y = p0.y + 2.0f; y + line <= p1.y - 2.0f; y += line * 0.5f) {
      const int crossings = segments_through(f, series, lx - 2.0f, lx + w + 2.0f, y, y + line);
      if (fewest < 0 || crossings < fewest) {
        fewest = crossings;
        ly = y;
      }
      if (crossings == 0) break;
    }
    draw->AddRectFilled(ImVec2(lx - 2.0f, ly), ImVec2(lx + w + 2.0f, ly + line), IM_COL32(20, 20, 25, 200));
    draw->AddText(ImVec2(lx, ly), IM_COL32(255, 210, 80, 255), options.x_marker_label.c_str());
  } else {
    // Off the axis (M = 0 on a log axis): in the corner, on its own background, inside the plot.
    const float lx = std::max(p0.x + 2.0f, p1.x - w - 4.0f);
    draw->AddRectFilled(ImVec2(lx - 2.0f, p1.y - line - 4.0f), ImVec2(lx + w + 2.0f, p1.y - 2.0f),
                        IM_COL32(20, 20, 25, 220));
    draw->AddText(ImVec2(lx, p1.y - line - 3.0f), IM_COL32(255, 210, 80, 255), options.x_marker_label.c_str());
  }
}

void draw_legend(const Frame& f, const Legend& legend) {
  ImDrawList* draw = f.draw;
  const float line = f.line;
  auto swatch = [&](const LegendEntry& e, float x, float y) {
    if (e.bar) {
      draw->AddRectFilled(ImVec2(x, y + 3.0f), ImVec2(x + line * 1.0f, y + line - 3.0f), e.colour);
    } else {
      draw->AddLine(ImVec2(x, y + line * 0.5f), ImVec2(x + line * 1.0f, y + line * 0.5f), e.colour, 3.0f);
    }
    draw->AddText(ImVec2(x + line * 1.4f, y), kTextColour, e.label.c_str());
  };
  if (!legend.entries.empty() && legend.inside) {
    const ImVec2 l0(f.p0.x + 6.0f, f.p0.y + 6.0f);
    draw->AddRectFilled(l0, ImVec2(l0.x + legend.box_w, l0.y + legend.box_h), IM_COL32(20, 20, 25, 210));
    float y = l0.y + 3.0f;
    for (const auto& e : legend.entries) {
      swatch(e, l0.x + 4.0f, y);
      y += line;
    }
  }
  for (const auto& [pos, k] : legend.band) swatch(legend.entries[k], pos.x, pos.y);
}

// Under the mouse: a vertical line, and each series' value at the sample nearest in x.
void draw_hover(const Frame& f, std::span<const PlotSeries> series, const PlotOptions& options) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const ImVec2 p0 = f.p0, p1 = f.p1;
  if (mouse.x < p0.x || mouse.x > p1.x || mouse.y < p0.y || mouse.y > p1.y) return;
  f.draw->AddLine(ImVec2(mouse.x, p0.y), ImVec2(mouse.x, p1.y), IM_COL32(255, 255, 255, 80));
  const double x = f.ax.from_unit((mouse.x - p0.x) / (p1.x - p0.x));
  ImGui::BeginTooltip();
  ImGui::Text("%s = %.4g", options.x_label && *options.x_label ? options.x_label : "x", x);
  for (const auto& s : series) {
    std::size_t best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      const double distance = std::abs(f.ax.to_unit(s.x[k]) - f.ax.to_unit(x));
      if (distance < best_distance) {
        best_distance = distance;
        best = k;
      }
    }
    if (best < s.y.size()) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.colour), "%s: %.3g", s.label.c_str(), s.y[best]);
    }
  }
  ImGui::EndTooltip();
}

}  // namespace

void Plot(const char* id, ImVec2 size, std::span<const PlotSeries> series, const PlotOptions& options) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  const float line = ImGui::GetTextLineHeight();
  const auto [ax, ay] = fit_axes(series, options);

  // Plot rectangle inside the frame: room for y tick labels on the left and x labels below.
  // Room on the left for the widest y tick label.
  const auto y_ticks = ay.log ? log_ticks(ay.lo, ay.hi, 7) : linear_ticks(ay.lo, ay.hi, 5);
  float widest_y = ImGui::CalcTextSize("0").x;
  for (double t : y_ticks) widest_y = std::max(widest_y, ImGui::CalcTextSize(tick_label(t, ay.log).c_str()).x);
  const float left = widest_y + line * 0.8f;
  ImVec2 p0(origin.x + left, origin.y + line * 1.4f);
  const ImVec2 p1(origin.x + size.x - line * 0.6f, origin.y + size.y - line * 2.2f);
  const Legend legend = layout_legend(series, options, origin, size, line, p0, p1);
  if (p1.x - p0.x < 20.0f || p1.y - p0.y < 20.0f) {
    ImGui::PopID();
    return;
  }
  const Frame frame{ImGui::GetWindowDrawList(), line, p0, p1, ax, ay};
  frame.draw->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
  draw_grid(frame, y_ticks, options, origin);
  draw_data(frame, series, options);
  if (options.x_marker) draw_x_marker(frame, series, options);
  draw_legend(frame, legend);
  if (hovered) draw_hover(frame, series, options);
  ImGui::PopID();
}

}  // namespace ax::widgets
