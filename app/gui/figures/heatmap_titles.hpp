// What each heatmap is called: the method, and for a model file the layer and the head too, so a
// screenshot of one heatmap still says what it shows.
#pragma once

#include <string>

#include "compute/compute_result.hpp"
#include "state/app_state.hpp"

namespace ax {

// "layer 1, head 2: sparsemax", "layer 1, head 2: sparsemax - model's weights" (a difference view
// against the model's weights), or just "sparsemax" for data that is not a model's. `compact`
// writes "L1 H2: sparsemax" for narrow cells.
std::string heatmap_title(const ComputeResult& result, std::size_t method, HeatmapMode mode, bool compact = false);

// True when difference views of `method` compare it with the model's weights rather than its
// perturbed weights with its clean ones.
bool compares_with_reference(const ComputeResult& result, std::size_t method);

}  // namespace ax
