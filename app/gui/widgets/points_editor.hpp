// A plane on which the user places and drags 2-D points: left-drag moves a point, a left click on
// empty space adds one, a right click removes the point under the cursor.
#pragma once

#include <array>
#include <vector>

#include "imgui.h"

namespace ax::widgets {

struct PointsEditorStyle {
  double extent = 3.0;  // the plane shows [-extent, extent]^2
  int highlight = -1;   // point drawn with a ring (e.g. the selected query)
};

// Returns true when the points changed. `dragging` is the index being dragged (-1 for none),
// kept by the caller between frames.
bool PointsEditor(const char* id, ImVec2 size, std::vector<std::array<double, 2>>& points, int& dragging,
                  const PointsEditorStyle& style);

}  // namespace ax::widgets
