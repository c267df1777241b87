// Row tiles: the unit of parallel work for every row-wise computation (internal to core).
//
// The tile size is fixed, never derived from the thread count, so each row is computed by the
// same instructions whatever the number of threads: results are bit-identical across machines
// with different core counts. 64 rows of 4096 float scores (1 MiB) stay in L2 between the
// matrix product that writes them and the row method that reads them.
#pragma once

#include <algorithm>
#include <utility>

#include "attn/types.hpp"

namespace attn::detail {

constexpr Index kTileRows = 64;

inline Index tile_count(Index rows) { return (rows + kTileRows - 1) / kTileRows; }

inline std::pair<Index, Index> tile_rows(Index tile, Index rows) {
  const Index begin = tile * kTileRows;
  return {begin, std::min(rows, begin + kTileRows)};
}

}  // namespace attn::detail
