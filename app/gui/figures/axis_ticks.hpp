// Which cells of a heatmap axis get a label: every k-th cell, k a round step (1, 2, 5 x 10^e) that
// leaves each label the room it needs, so labels never run into each other at any size or zoom.
#pragma once

#include <vector>

#include "attn/base/types.hpp"

namespace ax {

// The smallest round step (1, 2, 5, 10, 20, 50, ...) of at least `min_cells` cells; 10^18 at
// most (a step beyond every axis), whatever `min_cells` is (huge, infinite or NaN).
attn::Index round_step(double min_cells);

// Indices of the labelled cells among `count` cells, visible from cell `first` to cell `last`
// (fractions allowed), drawn `pixels_per_cell` wide, each label needing `label_pixels` (its
// width plus a gap). Multiples of the step, in increasing order; no two closer than label_pixels.
// Any numbers give at most `count` ticks at once: a view panned to 1e30 or NaN has none (it once
// cast them to integers and looped about 2^63 times).
std::vector<attn::Index> axis_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                    double label_pixels);

// The ticks of one axis of a heatmap of `count` cells drawn `extent_px` long at `zoom`, panned to
// `pan` ([0, 1] units of the axis): the view the heatmap panel labels.
std::vector<attn::Index> heatmap_axis_ticks(attn::Index count, float pan, float zoom, float extent_px,
                                            float label_pixels);

}  // namespace ax
