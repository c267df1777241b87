// The layout walk: one app run that renders the explorer and every step of every lesson (before
// and after each answer) at several window sizes, in normal and presentation mode, and writes the
// widget rectangles of each into one JSON file (and, on request, a screenshot of each). The
// layout test reads it; a person can look at the pictures.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace ax {

class ExplorerUi;
class Window;
class GlHeatmapCanvas;

struct LayoutWalkOptions {
  std::string directory;                  // layouts.json (and the PNGs) go here
  std::vector<std::array<int, 2>> sizes;  // window sizes
  std::vector<std::string> lessons;       // lesson files
  bool screenshots = false;
};

// Returns the process exit code (0, or 3 when an output cannot be written).
int walk_layouts(ExplorerUi& ui, Window& window, GlHeatmapCanvas& canvas, const LayoutWalkOptions& options);

}  // namespace ax
