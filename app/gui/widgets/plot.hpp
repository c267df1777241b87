// A small line plot drawn with ImDrawList: axes, ticks, optional log scales, a legend, a hover
// read-out and an optional histogram behind the lines. (ImPlot is not packaged in bookworm.)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "figures/colour_bar_labels.hpp"
#include "imgui.h"

namespace ax::widgets {

struct PlotSeries {
  std::string label;
  std::span<const double> x, y;  // same length; NaN (or <= 0 on a log axis) breaks the line
  ImU32 colour = IM_COL32(255, 255, 255, 255);
  float thickness = 2.0f;
  bool markers = false;
};

struct PlotBackgroundBars {
  double x_lo = 0.0, x_hi = 1.0;    // the bars split [x_lo, x_hi] evenly
  std::span<const double> heights;  // drawn scaled to the plot height
  ImU32 colour = IM_COL32(120, 120, 120, 90);
  std::string label;  // legend entry
};

struct PlotOptions {
  const char* x_label = "";
  const char* y_label = "";
  bool log_x = false;
  bool log_y = false;
  std::optional<std::pair<double, double>> x_range;  // default: the data's range
  std::optional<std::pair<double, double>> y_range;
  double log_floor = 1e-17;  // log axes: smaller values are drawn at the floor
  const PlotBackgroundBars* background = nullptr;
  bool legend = true;
  // A vertical marker at this x (the current setting), with its label; a value off the axis is
  // named in the corner instead.
  std::optional<double> x_marker;
  std::string x_marker_label;
};

// Draws the plot in a `size` box at the cursor and advances the cursor.
void Plot(const char* id, ImVec2 size, std::span<const PlotSeries> series, const PlotOptions& options);

// Tick positions (figures/colour_bar_labels.hpp: the colour bars of exported PNGs use them too).
using ax::linear_ticks;
using ax::log_ticks;
std::string tick_label(double value, bool log_axis);

}  // namespace ax::widgets
