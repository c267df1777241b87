// How the app computes a heatmap of a given size: the dense path holds every n x m matrix (fastest
// while they fit), the streaming path recomputes weights tile by tile from queries and keys and
// keeps only the pixels. Sizes beyond both are refused when the data load, with the shape and the
// limit, before any computation starts.
#pragma once

#include <string>

#include "attn/base/types.hpp"
#include "state/limits.hpp"

namespace ax {

enum class ComputePath { Dense, Streaming };

const char* compute_path_name(ComputePath path);

// The path for `queries` x `keys` weights. Throws attn::InputError naming `source`, the shape and
// the limit when no path computes it.
ComputePath choose_compute_path(const std::string& source, attn::Index queries, attn::Index keys);

// Throws attn::InputError naming `source`, the shape and the limit for a weight file too large
// to show.
void check_weight_file_size(const std::string& source, attn::Index rows, attn::Index cols);

}  // namespace ax
