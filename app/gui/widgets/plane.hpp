// A square region showing part of the plane: maps plane coordinates to the screen and back, with a
// light grid. The propagation, words and classification views draw their points on it.
#pragma once

#include <array>
#include <vector>

#include "imgui.h"

namespace ax::widgets {

class Plane {
 public:
  // Reserves `size` at the cursor (an invisible button, so it can be hovered and dragged) showing
  // [x0, x1] x [y0, y1] (the larger extent fills the box; aspect ratio kept).
  Plane(const char* id, ImVec2 size, double x0, double x1, double y0, double y1);

  ImVec2 to_screen(double x, double y) const;
  void to_plane(ImVec2 p, double& x, double& y) const;
  bool hovered() const { return hovered_; }
  bool active() const { return active_; }
  ImDrawList* draw() const { return draw_; }
  void arrow(double x0, double y0, double x1, double y1, ImU32 colour, float thickness = 1.5f) const;
  // A label beside the point (x, y): above right of it, else in the first of a few places around
  // it that overlaps no label placed before and stays inside the box.
  void label(double x, double y, const char* text, ImU32 colour);
  // The screen rectangles of the labels placed so far (x0, y0, x1, y1), for the layout checks.
  const std::vector<std::array<float, 4>>& label_rects() const { return labels_; }

 private:
  ImVec2 p0_, p1_;
  double cx_ = 0, cy_ = 0, scale_ = 1;
  bool hovered_ = false, active_ = false;
  ImDrawList* draw_ = nullptr;
  std::vector<std::array<float, 4>> labels_;
};

}  // namespace ax::widgets
