// A vertical colour bar for a heatmap's range, from the same colormap table as the shader.
#pragma once

#include "imgui.h"
#include "model/heatmap_images.hpp"

namespace ax::widgets {

void ColourBar(const char* id, ImVec2 size, const ColourRange& range);

}  // namespace ax::widgets
