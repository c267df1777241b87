// Pooled overviews: a heatmap with fewer pixels than cells, where every pixel is an exact summary
// of the block of cells it covers, so a one-cell peak or a one-key attention sink is never lost.
//
// A window [row_begin, row_end) x [col_begin, col_end) of an n x m matrix is shown on a grid of
// P_r x P_c pixels (each at most the window's extent: never more pixels than cells). With
// r_n = row_end - row_begin rows in the window, pixel (r, c) covers the rows
//     row_begin + floor(r r_n / P_r) .. row_begin + floor((r + 1) r_n / P_r) - 1
// and, in the same way, the keys of the window. Each pixel gets the peak of its cells (max; for
// a signed difference the value of largest magnitude), the cell where the peak sits (the first
// in row-major order on ties), the mean, and how many of its cells lie in undefined rows. Cells
// of undefined rows are never part of a peak or a mean: a block with no defined cell has NaN.
//
// Two ways to the same numbers:
//   overview_of / difference_overview  from weight matrices already in memory (dense);
//   stream_overview                    from queries and keys, never holding the n x m matrix:
//                                      rows are computed a tile at a time into a per-thread buffer
//                                      (scores, then the row method), pooled, and dropped. Memory
//                                      O((n + m) d + pixels + threads * tile * m).
// For the same inputs the streamed overview equals the dense overview of compute_weights' W (the
// rows are computed by the same kernels; a row held at another address may differ in the last
// bit where Eigen evaluates an unaligned head with scalar functions, as for softplus).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/base/progress.hpp"
#include "attn/base/types.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/weights.hpp"

namespace attn {

// Which summary a pixel shows.
enum class PoolReduction { Max, Mean };
PoolReduction parse_pool_reduction(std::string_view name);  // "max" or "mean"; throws UsageError
std::string_view pool_reduction_name(PoolReduction reduction);

// What a cell's value is.
enum class CellValue {
  Weight,            // w_ij
  AbsDifference,     // |w'_ij - w_ij|
  SignedDifference,  // w'_ij - w_ij: the peak is the difference of largest magnitude, with its sign
};

struct CellWindow {
  Index row_begin = 0, row_end = 0, col_begin = 0, col_end = 0;

  Index rows() const { return row_end - row_begin; }
  Index cols() const { return col_end - col_begin; }
  static CellWindow whole(Index rows, Index cols) { return {0, rows, 0, cols}; }
};

// Largest pixel grid an overview computes (pixels); larger requests are refused.
constexpr Index kMaxOverviewPixels = Index(1) << 24;

struct OverviewRequest {
  std::optional<CellWindow> window;  // the whole matrix when absent
  Index pixel_rows = 1024;           // wanted; the grid has min(pixel_rows, window rows) rows
  Index pixel_cols = 1024;
  CellValue cell = CellValue::Weight;
};

struct Overview {
  CellWindow window;
  Index pixel_rows = 0, pixel_cols = 0;
  CellValue cell = CellValue::Weight;

  // One entry per pixel, row-major (pixel (r, c) at r * pixel_cols + c).
  std::vector<float> peak;             // NaN when the block has no defined cell
  std::vector<float> mean;             // over the block's defined cells; NaN when none
  std::vector<std::int32_t> peak_row;  // the peak's cell (absolute indices); -1 when none
  std::vector<std::int32_t> peak_col;
  std::vector<std::int32_t> undefined;  // cells of the block that lie in undefined rows

  // CellValue::Weight only (empty otherwise): for each key of the window, the attention it
  // receives, sum_i w_ij over the window's defined rows.
  std::vector<double> column_sums;
  // The status of each row of the window (for a difference: Defined only when both are).
  std::vector<RowStatus> rows;

  Index pixel(Index r, Index c) const { return r * pixel_cols + c; }
  // The absolute rows [first, last) and keys [first, last) that pixel row r / column c covers.
  std::pair<Index, Index> block_rows(Index r) const;
  std::pair<Index, Index> block_cols(Index c) const;
  Index block_cells(Index r, Index c) const;
  const std::vector<float>& values(PoolReduction reduction) const {
    return reduction == PoolReduction::Max ? peak : mean;
  }
  Index undefined_rows() const;
};

// The window and grid a request gives for an n x m matrix. Throws InputError when the window is
// empty or outside the matrix, or the grid has no pixel or more than kMaxOverviewPixels.
CellWindow resolve_window(const OverviewRequest& request, Index rows, Index cols);

// ---- Dense: from weight matrices in memory. ----

template <class T>
Overview overview_of(const Weights<T>& weights, const OverviewRequest& request);

// The overview of W' - W (request.cell AbsDifference or SignedDifference; Weight gives the
// overview of W'). A row is undefined when it is undefined in either. Throws InputError when the
// shapes differ.
template <class T>
Overview difference_overview(const Weights<T>& clean, const Weights<T>& perturbed, const OverviewRequest& request);

// ---- Streaming: from queries and keys, without the n x m matrix. ----

// Memory the streamed overview allocates (bytes), for a request on n queries and m keys of
// dimension d in `scalar_bytes` precision (4 or 8). Checked against attn::memory_budget() before
// anything is allocated.
std::uint64_t stream_overview_bytes(Index queries, Index keys, Index dimension, std::size_t scalar_bytes,
                                    const OverviewRequest& request);

// The overview of the weights for `spec` under `perturbation` (request.cell Weight), or of
// W(perturbed) - W(clean) (the difference cells). Row-wise methods stream; Sinkhorn and
// doubly-normalized need every column total, so they are computed densely when the matrix fits
// kMaxMatrixElements and refused with an InputError saying why beyond. Progress counts the
// window's rows; cancellation throws attn::Cancelled. A request beyond the memory budget is
// refused with its shape and size before anything is allocated.
//
// `partial`, when given, is called on the calling thread as bands of pixel rows finish, top to
// bottom, with the overview so far: final for pixel rows [0, done), the rest still empty (the
// first picture of a long input arrives after an eighth of the work and refines). The finished
// overview is the same with or without it.
using PartialOverview = std::function<void(const Overview& so_far, Index pixel_rows_done)>;
template <class T>
Overview stream_overview(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                         const OverviewRequest& request, const ProgressReporter& progress = {},
                         const PartialOverview& partial = {});

}  // namespace attn
