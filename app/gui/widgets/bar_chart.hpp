// Grouped bars (one or two series, e.g. clean and perturbed weights of one row) with a zero line,
// labels under the bars when they fit, NaN drawn as an "undefined" hatch, and a hover read-out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imgui.h"

namespace ax::widgets {

struct BarSeries {
  std::string label;
  std::span<const double> values;
  ImU32 colour = IM_COL32(90, 160, 230, 255);
};

struct BarOptions {
  const char* title = "";
  std::span<const std::string> labels;  // one per bar position; indices are shown when empty
  int highlight = -1;                   // position drawn with a marker (e.g. the query itself)
  std::vector<bool> masked;             // positions to draw dimmed (masked keys); may be empty
  std::optional<double> y_max;          // fixed top of the scale (default: the data's)
};

// Returns the hovered bar position, or -1.
int BarChart(const char* id, ImVec2 size, std::span<const BarSeries> series, const BarOptions& options);

}  // namespace ax::widgets
