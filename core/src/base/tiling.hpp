// Row tiles: the unit of parallel work for every row-wise computation (internal to core).
//
// The tile size is fixed, never derived from the thread count, so each row is computed by the
// same instructions whatever the number of threads: results are bit-identical across machines
// with different core counts. 64 rows of 4096 float scores (1 MiB) stay in L2 between the
// matrix product that writes them and the row method that reads them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <utility>

#include "attn/base/types.hpp"

namespace attn::detail {

constexpr Index kTileRows = 64;

inline Index tile_count(Index rows) { return (rows + kTileRows - 1) / kTileRows; }

inline std::pair<Index, Index> tile_rows(Index tile, Index rows) {
  const Index begin = tile * kTileRows;
  return {begin, std::min(rows, begin + kTileRows)};
}

// Scratch rows that each start on a 64-byte boundary. Eigen's vectorised array functions (log,
// exp) treat an unaligned head of a row with scalar code whose last bit can differ from the
// vector code, so a row's weights (softplus, sigmoid) would depend on where its buffer happened
// to lie. Every path that turns a row of scores into weights (the whole matrix, weights from
// shared scores, one query's row, the streamed overview) works on rows aligned this way, so the
// same row gives the same bits in all of them.
template <class T>
class AlignedRows {
 public:
  static constexpr std::size_t kAlignBytes = 64;
  static constexpr Index kAlign = static_cast<Index>(kAlignBytes / sizeof(T));

  AlignedRows(Index rows, Index cols)
      : stride_((std::max<Index>(cols, 1) + kAlign - 1) / kAlign * kAlign),
        data_(static_cast<T*>(::operator new[](sizeof(T) * static_cast<std::size_t>(std::max<Index>(rows, 1) * stride_),
                                               std::align_val_t(kAlignBytes)))) {}
  ~AlignedRows() { ::operator delete[](data_, std::align_val_t(kAlignBytes)); }
  AlignedRows(const AlignedRows&) = delete;
  AlignedRows& operator=(const AlignedRows&) = delete;

  T* row(Index r) { return data_ + r * stride_; }
  Index stride() const { return stride_; }  // elements from one row to the next

 private:
  Index stride_;
  T* data_;
};

}  // namespace attn::detail
