#include "compute/heatmap_overviews.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "attn/base/safe_text.hpp"

namespace ax {
namespace {

attn::CellValue cell_value(HeatmapMode mode) {
  switch (mode) {
    case HeatmapMode::AbsDifference: return attn::CellValue::AbsDifference;
    case HeatmapMode::SignedDifference: return attn::CellValue::SignedDifference;
    default: return attn::CellValue::Weight;
  }
}

// Cells [begin, end) of `count` that a view of `extent` from `origin` (both in [0, 1]) shows.
// `x` as a cell index in [lo, hi], clamped before the cast (a pan of 1e30 or NaN is no integer).
attn::Index cell_index(double x, attn::Index lo, attn::Index hi) {
  if (!(x >= static_cast<double>(lo))) return lo;
  if (!(x <= static_cast<double>(hi))) return hi;
  return static_cast<attn::Index>(x);
}

std::pair<attn::Index, attn::Index> visible_cells(attn::Index count, float origin, float extent) {
  const double n = static_cast<double>(count);
  const attn::Index begin = cell_index(std::floor(static_cast<double>(origin) * n), 0, count - 1);
  const attn::Index end =
      cell_index(std::ceil((static_cast<double>(origin) + static_cast<double>(extent)) * n - 1e-6), begin + 1, count);
  return {begin, end};
}

attn::Overview streamed_overview(const StreamingInputs& in, std::size_t method, HeatmapMode mode,
                                 const attn::OverviewRequest& request, const attn::ProgressReporter& progress,
                                 const attn::PartialOverview& partial) {
  const attn::Perturbation none;
  const attn::Perturbation& perturbation = mode == HeatmapMode::Clean ? none : in.perturbation;
  return attn::stream_overview(in.vectors, in.specs.at(method), perturbation, request, progress, partial);
}

attn::Overview dense_overview(const MethodResult& r, HeatmapMode mode, const attn::OverviewRequest& request) {
  switch (mode) {
    case HeatmapMode::Clean: return attn::overview_of(r.clean, request);
    case HeatmapMode::Perturbed: return attn::overview_of(r.perturbed, request);
    default: return attn::difference_overview(r.clean, r.perturbed, request);
  }
}

}  // namespace

bool ViewGrid::operator==(const ViewGrid& o) const {
  return window.row_begin == o.window.row_begin && window.row_end == o.window.row_end &&
         window.col_begin == o.window.col_begin && window.col_end == o.window.col_end && pixel_rows == o.pixel_rows &&
         pixel_cols == o.pixel_cols;
}

ViewGrid view_grid(attn::Index rows, attn::Index cols, float zoom, std::array<float, 2> pan, int width_px,
                   int height_px) {
  const float extent = 1.0f / std::max(zoom, 1.0f);
  ViewGrid grid;
  std::tie(grid.window.row_begin, grid.window.row_end) = visible_cells(rows, pan[1], extent);
  std::tie(grid.window.col_begin, grid.window.col_end) = visible_cells(cols, pan[0], extent);
  grid.pixel_rows = std::clamp<attn::Index>(height_px, 1, grid.window.rows());
  grid.pixel_cols = std::clamp<attn::Index>(width_px, 1, grid.window.cols());
  return grid;
}

std::array<attn::Index, 2> overview_pixel(const attn::Overview& o, attn::Index i, attn::Index j) {
  const attn::CellWindow& w = o.window;
  if (i < w.row_begin || i >= w.row_end || j < w.col_begin || j >= w.col_end || o.pixel_rows < 1 || o.pixel_cols < 1) {
    return {-1, -1};
  }
  // Block r holds rows floor(r n / P) .. floor((r + 1) n / P) - 1: the first r whose end passes i.
  const auto block = [](attn::Index cell, attn::Index cells, attn::Index pixels) {
    return ((cell + 1) * pixels + cells - 1) / cells - 1;
  };
  return {block(i - w.row_begin, w.rows(), o.pixel_rows), block(j - w.col_begin, w.cols(), o.pixel_cols)};
}

std::string pooling_text(const ViewGrid& grid, PixelReduction reduction, HeatmapMode mode, bool compact) {
  const attn::Index per_row = (grid.window.rows() + grid.pixel_rows - 1) / grid.pixel_rows;
  const attn::Index per_col = (grid.window.cols() + grid.pixel_cols - 1) / grid.pixel_cols;
  const bool difference = mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
  const char* what = reduction == PixelReduction::Mean       ? "mean"
                     : mode == HeatmapMode::SignedDifference ? "largest |diff|, signed"
                     : difference                            ? "max |diff|"
                                                             : "max";
  char text[96];
  if (compact) {
    const char* short_what = reduction == PixelReduction::Mean       ? "mean"
                             : mode == HeatmapMode::SignedDifference ? "signed"
                             : difference                            ? "max |d|"
                                                                     : "max";
    std::snprintf(text, sizeof text, "%ldx%ld per px, %s", static_cast<long>(per_row), static_cast<long>(per_col),
                  short_what);
    return text;
  }
  std::snprintf(text, sizeof text, "%ld x %ld cells per pixel, %s", static_cast<long>(per_row),
                static_cast<long>(per_col), what);
  return text;
}

ImageStats overview_stats(const attn::Overview& o) {
  ImageStats stats;
  float min_positive = std::numeric_limits<float>::infinity();
  for (attn::Index r = 0; r < o.pixel_rows; ++r) {
    for (attn::Index c = 0; c < o.pixel_cols; ++c) {
      const float v = o.peak[static_cast<std::size_t>(o.pixel(r, c))];
      if (std::isnan(v)) continue;
      stats.max_all = std::max(stats.max_all, v);
      if (o.block_cols(c).first > 0) stats.max_without_first = std::max(stats.max_without_first, v);
      stats.max_abs = std::max(stats.max_abs, std::abs(v));
      if (v > 0.0f) min_positive = std::min(min_positive, v);
    }
  }
  if (o.pixel_cols == 1) stats.max_without_first = stats.max_all;
  stats.min_positive = std::isfinite(min_positive) ? min_positive : 0.0f;
  stats.undefined_rows = static_cast<int>(o.undefined_rows());
  return stats;
}

OverviewService::OverviewService()
    : worker_([this](const Job& job, std::uint64_t, const std::atomic<bool>& cancel) { run(job, cancel); }) {}

void OverviewService::request(const std::shared_ptr<const ComputeResult>& result, std::vector<Item> items,
                              const ViewGrid& grid, const ViewGrid& whole) {
  if (!result || items.empty()) return;
  std::sort(items.begin(), items.end());
  if (result.get() == asked_result_ && result->generation == asked_generation_ && items == asked_items_ &&
      grid == asked_grid_) {
    return;
  }
  asked_result_ = result.get();
  asked_generation_ = result->generation;
  asked_items_ = items;
  asked_grid_ = grid;
  worker_.submit(Job{result, std::move(items), grid, whole});
}

std::optional<ImageStats> OverviewService::whole_stats(std::uint64_t generation, Item item) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = whole_stats_.find(item);
  if (it == whole_stats_.end() || it->second.first != generation) return std::nullopt;
  return it->second.second;
}

std::shared_ptr<const std::vector<double>> OverviewService::whole_column_sums(std::uint64_t generation,
                                                                              Item item) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = whole_column_sums_.find(item);
  if (it == whole_column_sums_.end() || it->second.first != generation) return nullptr;
  return it->second.second;
}

std::shared_ptr<const HeatmapOverview> OverviewService::latest(Item item) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = done_.find(item);
  return it == done_.end() ? nullptr : it->second;
}

std::shared_ptr<const HeatmapOverview> OverviewService::get(std::uint64_t generation, Item item) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = done_.find(item);
  if (it == done_.end() || it->second->generation != generation) return nullptr;
  return it->second;
}

ComputeProgress OverviewService::progress() const {
  ComputeProgress p;
  p.running = worker_.busy();
  std::lock_guard<std::mutex> lock(mutex_);
  p.fraction = fraction_;
  p.stage = "pixels";
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return p;
}

void OverviewService::run(const Job& job, const std::atomic<bool>& cancel) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fraction_ = 0.0;
    started_ = std::chrono::steady_clock::now();
  }
  const ComputeResult& result = *job.result;
  const bool streaming = result.path == ComputePath::Streaming && result.streaming;
  const ViewGrid& whole = job.whole;
  // Streaming: a heatmap's whole overview first (its colour range; drawn coarse under a zoomed
  // view until the window's own pixels arrive), then the window.
  std::vector<std::pair<Item, ViewGrid>> passes;
  for (const Item& item : job.items) {
    if (streaming && !whole_stats(result.generation, item) && !(job.grid == whole)) passes.emplace_back(item, whole);
    passes.emplace_back(item, job.grid);
  }
  for (std::size_t k = 0; k < passes.size(); ++k) {
    if (cancel.load()) throw attn::Cancelled();
    // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const Item& item = passes[k].first;
    const ViewGrid& grid = passes[k].second;
    const MethodResult& method = result.methods.at(item.method);
    if (!method.error.empty()) continue;
    attn::OverviewRequest request;
    request.window = grid.window;
    request.pixel_rows = grid.pixel_rows;
    request.pixel_cols = grid.pixel_cols;
    request.cell = cell_value(item.mode);
    auto out = std::make_shared<HeatmapOverview>();
    out->generation = result.generation;
    out->grid = grid;
    attn::ProgressReporter progress;
    progress.cancel = &cancel;
    progress.on_progress = [&](int done, int total) {
      std::lock_guard<std::mutex> lock(mutex_);
      fraction_ = (static_cast<double>(k) + static_cast<double>(done) / std::max(total, 1)) /
                  static_cast<double>(passes.size());
    };
    // Streaming: each band of pixel rows is shown as it is done (the first picture of a long
    // input after an eighth of its rows), then refined down to the last row.
    const attn::PartialOverview partial = [&](const attn::Overview& so_far, attn::Index rows_done) {
      if (rows_done >= so_far.pixel_rows) return;  // the final overview is published below
      auto band = std::make_shared<HeatmapOverview>();
      band->generation = result.generation;
      band->grid = grid;
      band->overview = so_far;
      band->rows_done = rows_done;
      publish(job, item, std::move(band), grid == whole);
    };
    try {
      out->overview = streaming
                          ? streamed_overview(*result.streaming, item.method, item.mode, request, progress, partial)
                          : dense_overview(method, item.mode, request);
    } catch (const attn::InputError& e) {
      out->error = attn::one_line(result.data ? naming_source(*result.data, e.what()) : std::string(e.what()));
    }
    publish(job, item, std::move(out), grid == whole);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  last_job_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
}

double OverviewService::last_job_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_job_ms_;
}

void OverviewService::publish(const Job& job, Item item, std::shared_ptr<HeatmapOverview> out, bool whole) {
  std::optional<ImageStats> stats;
  if (whole && out->error.empty() && job.result->path == ComputePath::Streaming) stats = overview_stats(out->overview);
  std::shared_ptr<const std::vector<double>> column_sums;
  if (stats && out->complete() && (item.mode == HeatmapMode::Clean || item.mode == HeatmapMode::Perturbed)) {
    column_sums = std::make_shared<const std::vector<double>>(out->overview.column_sums);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  out->version = next_version_++;
  if (stats) whole_stats_[item] = {out->generation, *stats};
  if (column_sums) whole_column_sums_[item] = {out->generation, std::move(column_sums)};
  done_[item] = std::move(out);
}

}  // namespace ax
