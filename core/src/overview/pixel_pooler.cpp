#include "overview/pixel_pooler.hpp"

#include <algorithm>
#include <limits>

#include "attn/base/parallel.hpp"

namespace attn::detail {

std::vector<Index> block_bounds(Index begin, Index extent, Index pixels) {
  std::vector<Index> bounds(static_cast<std::size_t>(pixels + 1));
  for (Index k = 0; k <= pixels; ++k) bounds[static_cast<std::size_t>(k)] = begin + k * extent / pixels;
  return bounds;
}

Overview empty_overview(const CellWindow& window, Index pixel_rows, Index pixel_cols, CellValue cell) {
  Overview out;
  out.window = window;
  out.pixel_rows = pixel_rows;
  out.pixel_cols = pixel_cols;
  out.cell = cell;
  const auto pixels = static_cast<std::size_t>(pixel_rows * pixel_cols);
  out.peak.assign(pixels, std::numeric_limits<float>::quiet_NaN());
  out.mean.assign(pixels, std::numeric_limits<float>::quiet_NaN());
  out.peak_row.assign(pixels, -1);
  out.peak_col.assign(pixels, -1);
  out.undefined.assign(pixels, 0);
  if (cell == CellValue::Weight) out.column_sums.assign(static_cast<std::size_t>(window.cols()), 0.0);
  out.rows.assign(static_cast<std::size_t>(window.rows()), RowStatus::Defined);
  return out;
}

void pool_in_chunks(Overview& out, const std::function<void(Index, Index, double*)>& task,
                    const std::function<void(Index)>& after_band) {
  // Enough chunks for two to four threads to share the work evenly; few enough that their column
  // sums (one double per key each) stay small next to the keys themselves.
  constexpr Index kChunks = 16;
  constexpr Index kChunksPerBand = 2;  // progressive: a picture after every eighth of the rows
  const Index chunks = std::min(kChunks, out.pixel_rows);
  const Index band = after_band ? kChunksPerBand : chunks;
  const bool sums = out.cell == CellValue::Weight;
  const auto keys = static_cast<std::size_t>(out.window.cols());
  std::vector<double> chunk_sums[kChunks];
  for (Index first = 0; first < chunks; first += band) {
    const Index count = std::min(band, chunks - first);
    parallel_for(count, [&](Index b) {
      // In one go, the last chunks first: under the causal mask their rows see the most keys, and
      // the threads finish together when the longest work starts earliest (the order the chunks
      // run in changes no result).
      const Index k = after_band ? first + b : chunks - 1 - b;
      auto& own = chunk_sums[static_cast<std::size_t>(k)];
      if (sums) own.assign(keys, 0.0);
      task(k * out.pixel_rows / chunks, (k + 1) * out.pixel_rows / chunks, sums ? own.data() : nullptr);
    });
    for (Index k = first; sums && k < first + count; ++k) {
      auto& own = chunk_sums[static_cast<std::size_t>(k)];
      for (std::size_t j = 0; j < keys; ++j) out.column_sums[j] += own[j];
      std::vector<double>().swap(own);
    }
    if (after_band) after_band((first + count) * out.pixel_rows / chunks);
  }
}

}  // namespace attn::detail
