// The pixel grid of an overview, and the dense overview of weight matrices in memory.
#include "attn/overview/overview.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "overview/pixel_pooler.hpp"

namespace attn {

namespace {

constexpr NameOf<PoolReduction> kReductionNames[] = {{PoolReduction::Max, "max"}, {PoolReduction::Mean, "mean"}};

}  // namespace

PoolReduction parse_pool_reduction(std::string_view name) { return parse_name(kReductionNames, name, "reduction"); }

std::string_view pool_reduction_name(PoolReduction reduction) { return name_of(kReductionNames, reduction); }

std::pair<Index, Index> Overview::block_rows(Index r) const {
  const Index n = window.rows();
  return {window.row_begin + r * n / pixel_rows, window.row_begin + (r + 1) * n / pixel_rows};
}

std::pair<Index, Index> Overview::block_cols(Index c) const {
  const Index m = window.cols();
  return {window.col_begin + c * m / pixel_cols, window.col_begin + (c + 1) * m / pixel_cols};
}

Index Overview::block_cells(Index r, Index c) const {
  const auto [i0, i1] = block_rows(r);
  const auto [j0, j1] = block_cols(c);
  return (i1 - i0) * (j1 - j0);
}

Index Overview::undefined_rows() const {
  return static_cast<Index>(
      std::count_if(rows.begin(), rows.end(), [](RowStatus s) { return s != RowStatus::Defined; }));
}

CellWindow resolve_window(const OverviewRequest& request, Index rows, Index cols) {
  const CellWindow w = request.window.value_or(CellWindow::whole(rows, cols));
  if (w.row_begin < 0 || w.row_end > rows || w.row_begin >= w.row_end || w.col_begin < 0 || w.col_end > cols ||
      w.col_begin >= w.col_end) {
    throw InputError("overview window rows " + std::to_string(w.row_begin) + ":" + std::to_string(w.row_end) +
                     ", keys " + std::to_string(w.col_begin) + ":" + std::to_string(w.col_end) +
                     " is empty or outside the " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  }
  if (rows > std::numeric_limits<std::int32_t>::max() || cols > std::numeric_limits<std::int32_t>::max()) {
    throw InputError("overview of a " + std::to_string(rows) + " x " + std::to_string(cols) +
                     " matrix: more rows or keys than cell indices can name (2^31 - 1)");
  }
  if (request.pixel_rows < 1 || request.pixel_cols < 1) {
    throw InputError("an overview needs at least one pixel (asked for " + std::to_string(request.pixel_rows) + " x " +
                     std::to_string(request.pixel_cols) + ")");
  }
  const Index pr = std::min(request.pixel_rows, w.rows()), pc = std::min(request.pixel_cols, w.cols());
  if (pr > kMaxOverviewPixels / pc) {
    throw InputError("an overview of " + std::to_string(pr) + " x " + std::to_string(pc) +
                     " pixels is too large (limit: " + std::to_string(kMaxOverviewPixels) + " pixels)");
  }
  return w;
}

namespace {

template <class T>
void check_weights(const Weights<T>& w, const char* what) {
  if (static_cast<Index>(w.rows.size()) != w.matrix.rows()) {
    throw InputError(std::string(what) + ": " + std::to_string(w.rows.size()) + " row statuses for " +
                     std::to_string(w.matrix.rows()) + " rows");
  }
}

// The overview of `perturbed` (cell Weight) or of perturbed - clean; clean is null for Weight.
template <class T>
Overview dense_overview(const Weights<T>* clean, const Weights<T>& perturbed, const OverviewRequest& request) {
  check_weights(perturbed, "weights");
  const Index n = perturbed.matrix.rows(), m = perturbed.matrix.cols();
  const CellWindow window = resolve_window(request, n, m);
  Overview out =
      detail::empty_overview(window, std::min(request.pixel_rows, window.rows()),
                             std::min(request.pixel_cols, window.cols()), clean ? request.cell : CellValue::Weight);
  const std::vector<Index> row_bounds = detail::block_bounds(window.row_begin, window.rows(), out.pixel_rows);
  detail::PixelPooler<T> pooler(out);
  detail::pool_in_chunks(out, [&](Index r0, Index r1, double* column_sums) {
    Vec<T> difference(clean ? window.cols() : 0);
    detail::for_each_row(row_bounds, r0, r1, [&](Index r, Index i) {
      const auto local = static_cast<std::size_t>(i - window.row_begin);
      RowStatus status = perturbed.rows[static_cast<std::size_t>(i)];
      if (clean && status == RowStatus::Defined) status = clean->rows[static_cast<std::size_t>(i)];
      out.rows[local] = status;
      if (status != RowStatus::Defined) return pooler.add_undefined_row(r);
      const T* values = perturbed.matrix.row(i).data() + window.col_begin;
      if (clean) {
        difference = perturbed.matrix.row(i).segment(window.col_begin, window.cols()).transpose() -
                     clean->matrix.row(i).segment(window.col_begin, window.cols()).transpose();
        values = difference.data();
      }
      pooler.add_row(r, i, values, column_sums);
    });
    pooler.finish(r0, r1);
  });
  return out;
}

}  // namespace

template <class T>
Overview overview_of(const Weights<T>& weights, const OverviewRequest& request) {
  return dense_overview<T>(nullptr, weights, request);
}

template <class T>
Overview difference_overview(const Weights<T>& clean, const Weights<T>& perturbed, const OverviewRequest& request) {
  check_weights(clean, "clean weights");
  if (clean.matrix.rows() != perturbed.matrix.rows() || clean.matrix.cols() != perturbed.matrix.cols()) {
    throw InputError("difference of weights of " + std::to_string(clean.matrix.rows()) + " x " +
                     std::to_string(clean.matrix.cols()) + " and " + std::to_string(perturbed.matrix.rows()) + " x " +
                     std::to_string(perturbed.matrix.cols()) + ": the shapes differ");
  }
  if (request.cell == CellValue::Weight) return dense_overview<T>(nullptr, perturbed, request);
  return dense_overview(&clean, perturbed, request);
}

template Overview overview_of(const Weights<float>&, const OverviewRequest&);
template Overview overview_of(const Weights<double>&, const OverviewRequest&);
template Overview difference_overview(const Weights<float>&, const Weights<float>&, const OverviewRequest&);
template Overview difference_overview(const Weights<double>&, const Weights<double>&, const OverviewRequest&);

}  // namespace attn
