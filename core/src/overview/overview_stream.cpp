// The streamed overview: pooled weights from queries and keys, never holding the n x m matrix.
//
// Each chunk of pixel rows walks its rows in groups: the group's scores over all m keys are
// written into a buffer private to the chunk (score_rows, the kernel of compute_weights), the row
// method turns each row into weights in place (for ratio methods the row maximum and the
// normaliser, for sparsemax and entmax the threshold from the sorted scores), and the row is
// pooled into its pixel row and dropped. A row's normaliser needs all its keys, so whole rows are
// computed even when the window shows only some keys.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/parallel.hpp"
#include "attn/overview/overview.hpp"
#include "base/tiling.hpp"
#include "kernels/masked_rows.hpp"
#include "kernels/score_plan.hpp"
#include "overview/pixel_pooler.hpp"

namespace attn {
namespace {

// Rows of scores a chunk holds at once: up to a tile (the same reuse of each packed key panel as
// compute_weights), fewer when rows are so long that a tile would pass this size.
constexpr std::size_t kGroupBytes = std::size_t(16) << 20;

Index group_rows(Index keys, std::size_t scalar_bytes) {
  const auto fit = static_cast<Index>(kGroupBytes / (static_cast<std::size_t>(keys) * scalar_bytes));
  return std::clamp<Index>(fit, 1, detail::kTileRows);
}

std::string mib(std::size_t bytes) { return std::to_string((bytes + (std::size_t(1) << 20) - 1) >> 20) + " MiB"; }

// The dense fallback of Sinkhorn and doubly-normalized, within the dense limit only.
template <class T>
Overview dense_column_normalised(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                                 const OverviewRequest& request) {
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows();
  if (m > kMaxMatrixElements / n) {
    const auto bytes = static_cast<std::size_t>(n) * static_cast<std::size_t>(m) * sizeof(T);
    throw InputError(spec.method.spec() + " normalises the columns as well as the rows, so it needs the whole " +
                     std::to_string(n) + " x " + std::to_string(m) + " weight matrix (" + mib(bytes) +
                     "), beyond the limit of " + std::to_string(kMaxMatrixElements) + " elements (" +
                     mib(static_cast<std::size_t>(kMaxMatrixElements) * sizeof(T)) +
                     "); choose a row-wise method or fewer vectors");
  }
  const Weights<T> perturbed = compute_weights(vectors, spec, perturbation);
  if (request.cell == CellValue::Weight) return overview_of(perturbed, request);
  return difference_overview(compute_weights(vectors, spec, Perturbation{}), perturbed, request);
}

// Progress in rows, reported from any chunk, one report at a time.
class RowProgress {
 public:
  RowProgress(const ProgressReporter& reporter, Index total) : reporter_(reporter), total_(total) {}

  void check_cancel() const {
    if (reporter_.cancel && reporter_.cancel->load()) throw Cancelled();
  }
  void add(Index rows) {
    if (!reporter_.on_progress) return;
    std::lock_guard<std::mutex> lock(mutex_);
    done_ += rows;
    reporter_.on_progress(static_cast<int>(done_), static_cast<int>(total_));
  }

 private:
  const ProgressReporter& reporter_;
  Index total_;
  Index done_ = 0;
  std::mutex mutex_;
};

}  // namespace

std::uint64_t stream_overview_bytes(Index queries, Index keys, Index dimension, std::size_t scalar_bytes,
                                    const OverviewRequest& request) {
  const Index plans = request.cell == CellValue::Weight ? 1 : 2;
  // A plan holds the queries, the packed keys, and (with vector noise) a noisy copy of both;
  // plus norms and offsets.
  const std::uint64_t plan = add_bytes(array_bytes({plans, 2 * (queries + keys), dimension}, scalar_bytes),
                                       array_bytes({plans, 4, queries + keys}, scalar_bytes));
  // Each running chunk: its row buffers, the sort scratch of sparsemax and entmax (3 doubles a
  // key), its column sums; the 16 chunks' column sums outlive the chunks.
  const std::uint64_t chunk = add_bytes(array_bytes({plans, group_rows(keys, scalar_bytes), keys}, scalar_bytes),
                                        array_bytes({4, keys}, sizeof(double)));
  std::uint64_t chunks = array_bytes({16, keys}, sizeof(double));
  for (int t = 0; t < thread_count(); ++t) chunks = add_bytes(chunks, chunk);
  // Per pixel: peak, mean, cell, undefined count; the pooler's best and sum.
  const std::uint64_t pixels = array_bytes({std::min(request.pixel_rows, queries), std::min(request.pixel_cols, keys),
                                            4 * sizeof(float) + 2 * sizeof(double)},
                                           1);
  return add_bytes(add_bytes(plan, chunks), add_bytes(pixels, static_cast<std::uint64_t>(queries)));
}

template <class T>
Overview stream_overview(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                         const OverviewRequest& request, const ProgressReporter& progress,
                         const PartialOverview& partial) {
  validate_vectors(vectors);
  if (!spec.method.is_row_wise()) return dense_column_normalised(vectors, spec, perturbation, request);
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows();
  const CellWindow window = resolve_window(request, n, m);
  // A feature-map plan holds the features (performer: M of them a vector) besides the vectors.
  const Index width = vectors.dimension() + (spec.method.kind == MethodKind::RandomFeatures
                                                 ? static_cast<Index>(spec.method.parameter) + 1
                                                 : (spec.method.is_feature_map() ? vectors.dimension() : 0));
  check_memory_budget(stream_overview_bytes(n, m, width, sizeof(T), request),
                      "a streamed overview of " + std::to_string(n) + " queries x " + std::to_string(m) +
                          " keys of dimension " + std::to_string(vectors.dimension()) +
                          (sizeof(T) == 4 ? " in float32" : " in float64"));
  const bool difference = request.cell != CellValue::Weight;
  // A row is weighed only as far as the pooler reads it (`total` below): sigmoid attention's
  // default bias -log n is fixed here with n = #keys, as the dense path has it.
  const Method method = detail::with_key_count(spec.method, m);
  // Under the causal mask the plans never score a key above the diagonal.
  const detail::ScorePlan<T> perturbed = detail::make_weight_plan(vectors, spec, perturbation, false);
  std::optional<detail::ScorePlan<T>> clean;
  if (difference) clean = detail::make_weight_plan(vectors, spec, Perturbation{}, false);

  Overview out = detail::empty_overview(window, std::min(request.pixel_rows, window.rows()),
                                        std::min(request.pixel_cols, window.cols()), request.cell);
  const std::vector<Index> row_bounds = detail::block_bounds(window.row_begin, window.rows(), out.pixel_rows);
  const Index group = group_rows(m, sizeof(T));
  detail::PixelPooler<T> pooler(out);
  RowProgress rows_done(progress, window.rows());
  rows_done.check_cancel();

  detail::pool_in_chunks(
      out,
      [&](Index r0, Index r1, double* column_sums) {
        const Index first = row_bounds[static_cast<std::size_t>(r0)], last = row_bounds[static_cast<std::size_t>(r1)];
        // Row i of the group at row(i - g0): aligned rows, so the weights are the dense path's bits.
        detail::AlignedRows<T> perturbed_rows(std::min(group, last - first), m);
        detail::AlignedRows<T> clean_rows_buffer(difference ? std::min(group, last - first) : 0, m);
        const Index ld = perturbed_rows.stride();
        detail::RowScratch scratch;
        Index r = r0;
        for (Index g0 = first; g0 < last; g0 += group) {
          rows_done.check_cancel();
          const Index g1 = std::min(last, g0 + group);
          T* const rows = perturbed_rows.row(0);
          T* const clean_rows = clean_rows_buffer.row(0);
          detail::score_rows(perturbed, g0, g1, rows, ld);
          if (clean) detail::score_rows(*clean, g0, g1, clean_rows, ld);
          for (Index i = g0; i < g1; ++i) {
            while (i >= row_bounds[static_cast<std::size_t>(r + 1)]) ++r;
            const Index valid = perturbed.scored_keys(i);
            // The masked keys' zeros are written only as far as the pooler reads them (the row
            // taken as `total` keys long: under the causal mask no key past `valid` counts).
            const Index readable = pooler.readable_end(std::clamp<Index>(valid - window.col_begin, 0, window.cols()));
            const Index total = std::max(valid, window.col_begin + readable);
            T* const row = rows + (i - g0) * ld;
            const MaskArrays* arrays = spec.mask_arrays.get();
            RowStatus status =
                detail::weigh_masked_row(row, i, total, spec.mask, arrays, method, scratch, spec.subtract_max);
            if (clean && status == RowStatus::Defined) {
              T* const base = clean_rows + (i - g0) * ld;
              status = detail::weigh_masked_row(base, i, total, spec.mask, arrays, method, scratch, spec.subtract_max);
              Eigen::Map<Vec<T>>(row, total) -= Eigen::Map<const Vec<T>>(base, total);
            }
            out.rows[static_cast<std::size_t>(i - window.row_begin)] = status;
            if (status == RowStatus::Defined) {
              pooler.add_row(r, i, row + window.col_begin, column_sums, readable);
            } else {
              pooler.add_undefined_row(r);
            }
          }
          rows_done.add(g1 - g0);
        }
        pooler.finish(r0, r1);
      },
      partial ? std::function<void(Index)>([&](Index done) { partial(out, done); }) : std::function<void(Index)>());
  return out;
}

template Overview stream_overview(const Vectors<float>&, const AttentionSpec&, const Perturbation&,
                                  const OverviewRequest&, const ProgressReporter&, const PartialOverview&);
template Overview stream_overview(const Vectors<double>&, const AttentionSpec&, const Perturbation&,
                                  const OverviewRequest&, const ProgressReporter&, const PartialOverview&);

}  // namespace attn
