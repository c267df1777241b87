// Colours that identify methods in every chart, badge and legend: the same method keeps its
// colour everywhere (picked by its position in the compared set).
#pragma once

#include <cstddef>

#include "imgui.h"

namespace ax::widgets {

ImU32 method_colour(std::size_t index);

constexpr ImU32 kCleanColour = IM_COL32(120, 170, 230, 255);
constexpr ImU32 kPerturbedColour = IM_COL32(240, 150, 70, 255);
constexpr ImU32 kUnchangedColour = IM_COL32(70, 190, 110, 255);
constexpr ImU32 kChangedColour = IM_COL32(235, 120, 60, 255);
constexpr ImU32 kUndefinedColour = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kErrorColour = IM_COL32(230, 80, 80, 255);

}  // namespace ax::widgets
