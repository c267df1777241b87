// Which cells of a heatmap axis get a label: every k-th cell, k a round step (1, 2, 5 x 10^e) that
// leaves each label the room it needs, so labels never run into each other at any size or zoom.
#pragma once

#include <vector>

#include "attn/base/types.hpp"

namespace ax {

// The smallest round step (1, 2, 5, 10, 20, 50, ...) of at least `min_cells` cells.
attn::Index round_step(double min_cells);

// Indices of the labelled cells among `count` cells, visible from cell `first` to cell `last`
// (fractions allowed), drawn `pixels_per_cell` wide, each label needing `label_pixels` (its
// width plus a gap). Multiples of the step, in increasing order; no two closer than label_pixels.
std::vector<attn::Index> axis_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                    double label_pixels);

}  // namespace ax
