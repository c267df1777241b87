// Pooling rows of cells into the pixels of an overview (internal to core). The dense and the
// streamed overviews produce rows of cell values their own way and pool them here, so both give
// the same numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "attn/overview/overview.hpp"

namespace attn::detail {

// bounds[k] = begin + floor(k * extent / pixels) for k = 0 .. pixels: block k is
// [bounds[k], bounds[k + 1]).
std::vector<Index> block_bounds(Index begin, Index extent, Index pixels);

// An overview of `window` on a grid of pixel_rows x pixel_cols (already clamped), its arrays
// sized: no peak (NaN, cell -1), no undefined cell, zero column sums (CellValue::Weight), every
// row Defined.
Overview empty_overview(const CellWindow& window, Index pixel_rows, Index pixel_cols, CellValue cell);

// Splits the grid's pixel rows into a fixed number of chunks (not derived from the thread count,
// so results never depend on it) and calls task(first pixel row, end pixel row, column sums) for
// each in parallel. `column_sums` has one entry per key of the window, zeroed, private to the
// chunk (nullptr unless out.cell is Weight); the chunks' sums are then added into
// out.column_sums in chunk order.
//
// With `after_band`, the chunks run in bands of a few, top to bottom, and after_band(pixel rows
// done) is called on the calling thread after each: `out` is then final for pixel rows [0, done)
// (its column sums cover their rows). The chunks and the order their sums are added in are the
// same either way, so the finished overview is bit for bit the same.
void pool_in_chunks(Overview& out, const std::function<void(Index, Index, double*)>& task,
                    const std::function<void(Index)>& after_band = {});

// Calls on_row(pixel row, row) for the rows [first, last) of the window that pixel rows
// [r0, r1) cover, in order.
template <class F>
void for_each_row(const std::vector<Index>& row_bounds, Index r0, Index r1, F&& on_row) {
  for (Index r = r0; r < r1; ++r) {
    for (Index i = row_bounds[static_cast<std::size_t>(r)]; i < row_bounds[static_cast<std::size_t>(r + 1)]; ++i) {
      on_row(r, i);
    }
  }
}

// Accumulates rows of cell values into the overview's pixels. Each pixel row must be fed by one
// thread at a time; different pixel rows may be fed concurrently.
template <class T>
class PixelPooler {
 public:
  explicit PixelPooler(Overview& out)
      : out_(out),
        cols_(block_bounds(0, out.window.cols(), out.pixel_cols)),
        best_(out.peak.size(), -std::numeric_limits<double>::infinity()),
        sums_(out.peak.size(), 0.0) {}

  // How far a row whose cells from `nonzero` on (relative to the window) are exact zeros must be
  // readable: to the end of the pixel column holding its last possibly non-zero cell.
  Index readable_end(Index nonzero) const {
    if (nonzero <= 0) return 0;
    const auto c =
        std::upper_bound(cols_.begin(), cols_.end(), nonzero - 1) - cols_.begin();  // cols_[c - 1] <= nonzero - 1
    return cols_[static_cast<std::size_t>(c)];
  }

  // Row i (absolute) of pixel row r is defined; values[k] is its cell at key col_begin + k for k
  // below `readable` (readable_end of its non-zero cells; the whole window when negative), and
  // the cells from there on are exact zeros (masked keys) that are not read: their pixels take
  // the zero's peak, and adding their zeros would change no sum.
  // The peak compares |value| for the difference cells, so ties go to the first cell in
  // row-major order of the block, as numpy's argmax does.
  void add_row(Index r, Index i, const T* values, double* column_sums, Index readable = -1) {
    using Segment = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
    const bool magnitude = out_.cell != CellValue::Weight;
    if (readable < 0) readable = out_.window.cols();
    for (Index c = 0; c < out_.pixel_cols; ++c) {
      const Index j0 = cols_[static_cast<std::size_t>(c)], j1 = cols_[static_cast<std::size_t>(c + 1)];
      const auto p = static_cast<std::size_t>(out_.pixel(r, c));
      if (j0 >= readable) {  // all zeros: the first of them is the block's peak if nothing beats 0
        if (!(0.0 > best_[p])) continue;
        best_[p] = 0.0;
        out_.peak[p] = 0.0f;
        out_.peak_row[p] = static_cast<std::int32_t>(i);
        out_.peak_col[p] = static_cast<std::int32_t>(out_.window.col_begin + j0);
        continue;
      }
      const Segment seg(values + j0, j1 - j0);
      const T top = magnitude ? seg.abs().maxCoeff() : seg.maxCoeff();
      sums_[p] += static_cast<double>(out_.cell == CellValue::AbsDifference ? seg.abs().sum() : seg.sum());
      if (!(static_cast<double>(top) > best_[p])) continue;
      Index j = j0;
      while (j < j1 && (magnitude ? std::abs(values[j]) : values[j]) != top) ++j;
      if (j == j1) continue;  // only when a "defined" row holds NaN: it has no peak to show
      best_[p] = static_cast<double>(top);
      out_.peak[p] = static_cast<float>(out_.cell == CellValue::SignedDifference ? values[j] : top);
      out_.peak_row[p] = static_cast<std::int32_t>(i);
      out_.peak_col[p] = static_cast<std::int32_t>(out_.window.col_begin + j);
    }
    if (column_sums) {
      Eigen::Map<Eigen::ArrayXd> sums(column_sums, readable);
      sums += Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(values, readable).template cast<double>();
    }
  }

  // A row of pixel row r whose weights are undefined: its cells count as undefined.
  void add_undefined_row(Index r) {
    for (Index c = 0; c < out_.pixel_cols; ++c) {
      out_.undefined[static_cast<std::size_t>(out_.pixel(r, c))] +=
          static_cast<std::int32_t>(cols_[static_cast<std::size_t>(c + 1)] - cols_[static_cast<std::size_t>(c)]);
    }
  }

  // The means of pixel rows [r0, r1), once all their rows are in.
  void finish(Index r0, Index r1) {
    for (Index r = r0; r < r1; ++r) {
      for (Index c = 0; c < out_.pixel_cols; ++c) {
        const auto p = static_cast<std::size_t>(out_.pixel(r, c));
        const Index defined = out_.block_cells(r, c) - out_.undefined[p];
        out_.mean[p] = defined > 0 ? static_cast<float>(sums_[p] / static_cast<double>(defined))
                                   : std::numeric_limits<float>::quiet_NaN();
      }
    }
  }

 private:
  Overview& out_;
  std::vector<Index> cols_;   // key blocks, relative to the window
  std::vector<double> best_;  // the peak's value (or magnitude) so far; -inf before any cell
  std::vector<double> sums_;  // sum of the defined cells' values (magnitudes for AbsDifference)
};

}  // namespace attn::detail
