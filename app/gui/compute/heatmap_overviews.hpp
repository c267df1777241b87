// Pooled pictures of the heatmaps for the current view: when a heatmap has more cells in view than
// pixels, each pixel shows an exact summary of the block of cells it covers (the core overview
// engine: peak with its cell, and mean), computed off the UI thread. Zoom and pan ask for a new
// window; until it arrives the previous picture is drawn where it lies, then refines.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "attn/overview/overview.hpp"
#include "compute/compute_result.hpp"
#include "compute/compute_service.hpp"
#include "compute/latest_only_worker.hpp"
#include "state/app_state.hpp"

namespace ax {

// The whole cells in view and the pixel grid to show them on (never more pixels than cells).
struct ViewGrid {
  attn::CellWindow window;
  attn::Index pixel_rows = 1, pixel_cols = 1;

  // More cells than pixels on some axis: pixels are summaries of blocks.
  bool pooled() const { return window.rows() > pixel_rows || window.cols() > pixel_cols; }
  bool operator==(const ViewGrid& o) const;
};

// The grid for a rows x cols matrix seen at `zoom` from `pan` (top-left, [0, 1] units) on a
// width_px x height_px image.
ViewGrid view_grid(attn::Index rows, attn::Index cols, float zoom, std::array<float, 2> pan, int width_px,
                   int height_px);

// The pixel of `overview` whose block holds cell (i, j), or {-1, -1} outside its window.
std::array<attn::Index, 2> overview_pixel(const attn::Overview& overview, attn::Index i, attn::Index j);

// "7 x 7 cells per pixel, max": the largest block of the grid and the reduction shown.
// `compact` ("7x7 per px, max") for narrow heatmaps.
std::string pooling_text(const ViewGrid& grid, PixelReduction reduction, HeatmapMode mode, bool compact = false);

struct HeatmapOverview {
  std::uint64_t generation = 0;  // of the ComputeResult it summarises
  std::uint64_t version = 0;     // new number for every new overview
  ViewGrid grid;
  attn::Overview overview;
  std::string error;  // the engine could not compute it (e.g. Sinkhorn beyond the dense limit)
  // Streaming pictures arrive in bands of pixel rows: rows [0, rows_done) are final, the rest not
  // computed yet (-1: every row).
  attn::Index rows_done = -1;
  bool complete() const { return rows_done < 0 || rows_done >= overview.pixel_rows; }
};

// Colour-range statistics of a whole heatmap from the pixels of its whole-matrix overview (the
// streaming path has no matrix to scan): peaks give the exact maximum; without key 0 leaves out
// the pixel column holding key 0; the smallest positive peak stands for the smallest positive value.
ImageStats overview_stats(const attn::Overview& whole);

class OverviewService {
 public:
  struct Item {
    std::size_t method = 0;
    HeatmapMode mode = HeatmapMode::Clean;
    bool operator<(const Item& o) const { return method != o.method ? method < o.method : mode < o.mode; }
    bool operator==(const Item& o) const { return method == o.method && mode == o.mode; }
  };

  OverviewService();

  // Asks for `items` of `result` on `grid` (of a heatmap drawn on `whole`: the grid at zoom 1);
  // the same ask again is free, a new one supersedes.
  void request(const std::shared_ptr<const ComputeResult>& result, std::vector<Item> items, const ViewGrid& grid,
               const ViewGrid& whole);
  // The newest overview of `item` for the result of `generation` (possibly of an older grid
  // while the new one computes), or null.
  std::shared_ptr<const HeatmapOverview> get(std::uint64_t generation, Item item) const;
  // The newest overview of `item` whatever result it summarises (the previous picture, kept on
  // screen while the pixels of a new result compute), or null.
  std::shared_ptr<const HeatmapOverview> latest(Item item) const;
  // Streaming results: statistics of the whole heatmap once its whole overview exists.
  std::optional<ImageStats> whole_stats(std::uint64_t generation, Item item) const;
  // Streaming results, clean or perturbed weights: the attention each key receives (column sums
  // over every defined row), from the same pass as the whole overview; null until it exists.
  std::shared_ptr<const std::vector<double>> whole_column_sums(std::uint64_t generation, Item item) const;
  ComputeProgress progress() const;
  double last_job_ms() const;  // how long the last finished ask took (every heatmap's pixels)
  bool busy() const { return worker_.busy(); }
  std::string error() const { return worker_.error(); }
  void wait_until_idle() { worker_.wait_until_idle(); }

 private:
  struct Job {
    std::shared_ptr<const ComputeResult> result;
    std::vector<Item> items;
    ViewGrid grid, whole;
  };
  void run(const Job& job, const std::atomic<bool>& cancel);
  void publish(const Job& job, Item item, std::shared_ptr<HeatmapOverview> out, bool whole);

  mutable std::mutex mutex_;
  std::map<Item, std::shared_ptr<const HeatmapOverview>> done_;
  std::map<Item, std::pair<std::uint64_t, ImageStats>> whole_stats_;  // generation, statistics
  std::map<Item, std::pair<std::uint64_t, std::shared_ptr<const std::vector<double>>>> whole_column_sums_;
  std::uint64_t next_version_ = 1;
  double fraction_ = 0.0;
  double last_job_ms_ = 0.0;
  std::chrono::steady_clock::time_point started_{};
  // Last ask (UI thread only).
  const ComputeResult* asked_result_ = nullptr;
  std::uint64_t asked_generation_ = 0;
  std::vector<Item> asked_items_;
  ViewGrid asked_grid_;
  LatestOnlyWorker<Job> worker_;  // last: its thread uses the members above
};

}  // namespace ax
