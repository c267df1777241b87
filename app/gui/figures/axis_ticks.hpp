// Which cells of a heatmap axis get a label: every k-th cell, k a round step (1, 2, 5 x 10^e) that
// leaves each label the room it needs, so labels never run into each other at any size or zoom.
#pragma once

#include <cstddef>
#include <functional>
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

// The same when each label has its own width (tokens of any length): the smallest round step at
// which every two neighbouring labels, each centred on its cell and `label_width(i)` pixels wide,
// keep `gap` pixels apart. Short tokens are not spaced as widely as the longest one.
std::vector<attn::Index> label_ticks(attn::Index count, double first, double last, double pixels_per_cell,
                                     const std::function<double(attn::Index)>& label_width, double gap);

// label_ticks for one axis of a heatmap, in heatmap_axis_ticks's terms (the key axis's tokens).
std::vector<attn::Index> heatmap_label_ticks(attn::Index count, float pan, float zoom, float extent_px,
                                             const std::function<double(attn::Index)>& label_width, double gap);

// For a line plot's ticks `spacing_px` apart: label every k-th tick, k the smallest whole number
// with k * spacing_px >= room_px (a label's width on x, a line's height on y); the grid line of
// every tick stays. A spacing of 0 or less (or NaN) labels the first tick only.
std::size_t label_stride(double spacing_px, double room_px);

}  // namespace ax
