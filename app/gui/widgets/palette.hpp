// Colours that identify methods in every chart, badge and legend: the same method keeps its
// colour everywhere, in every step and every compared set.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "imgui.h"

namespace ax::widgets {

// The k-th colour of the palette: series that are not methods (models, groups, a figure's lines).
ImU32 method_colour(std::size_t index);

// The colour of each method of a compared set, by its name: exp, relu, softplus, sigmoid, power,
// sparsemax, entmax and linear keep theirs wherever they appear (issue 15: exp was blue in one
// step and green in the next); any other method takes a colour no other method of the set has.
std::vector<ImU32> method_colours(std::span<const std::string> specs);

constexpr ImU32 kCleanColour = IM_COL32(120, 170, 230, 255);
constexpr ImU32 kPerturbedColour = IM_COL32(240, 150, 70, 255);
constexpr ImU32 kUnchangedColour = IM_COL32(70, 190, 110, 255);
constexpr ImU32 kChangedColour = IM_COL32(235, 120, 60, 255);
constexpr ImU32 kUndefinedColour = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kErrorColour = IM_COL32(230, 80, 80, 255);

}  // namespace ax::widgets
