// A vertical colour bar for a heatmap's range, from the same colormap table as the shader, with
// the labels of figures/colour_bar_labels.hpp (the exported PNG's bar says the same).
#pragma once

#include "figures/colour_bar_labels.hpp"
#include "figures/heatmap_images.hpp"
#include "imgui.h"

namespace ax::widgets {

// With `signs` on a signed range, the words above and below the bar say which sign is which
// ("perturbed > clean" at the top, "perturbed < clean" at the bottom).
void ColourBar(const char* id, ImVec2 size, const ColourRange& range, const SignWords* signs = nullptr);

// The width ColourBar needs so no label of `range` (nor a signed range's words) runs past it.
float ColourBarWidth(const ColourRange& range, const SignWords* signs = nullptr);

}  // namespace ax::widgets
