// The model view's grid holds a picture of every layer x head: a file's shape alone can ask for a
// million of them, or for more memory than the machine has (a 1 MiB rank-4 array once took 7.2 GB,
// and one with a million tiny heads froze the app for minutes before it aborted). The grid is
// checked from the file's shape before any cell is made. Its pictures are pooled (at most
// kGridPixels x kGridPixels per head, model_grid_cells.hpp), so the bytes grow with the heads, not
// with the tokens.
#pragma once

#include <cstdint>

#include "attn/io/model_file.hpp"

namespace ax {

// Most layer x head cells the model view shows (a grid of 128 x 128; large language models have
// a few thousand heads).
constexpr attn::Index kMaxModelHeads = 16384;

// Throws attn::InputError naming the file and its shape when it has more than kMaxModelHeads
// heads, or when its heads at `bytes_per_head` each (the picture, its statistics and their
// bookkeeping) exceed the memory budget (the bytes needed and the budget in the message).
void check_model_grid_budget(const attn::ModelFile& file, std::uint64_t bytes_per_head);

// What one cell of the grid holds: its two pooled pictures (each pixel's max and mean) as floats.
std::uint64_t pooled_cell_bytes(const attn::ModelFile& file);

}  // namespace ax
