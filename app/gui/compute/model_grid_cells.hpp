// The model view's small multiples: one pooled picture per layer and head, never a whole weight
// matrix. A head with the model's own weights is pooled from them, one head at a time; a head of Q
// and K only takes the streaming path (attn::stream_overview, with the head's own mask), so a file
// of 8192 tokens x 8 heads x 4 layers, or of 131072 tokens, holds pictures of at most
// kGridPixels x kGridPixels pixels per head. Computed off the UI thread, head by head; the view
// draws each as it arrives.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "attn/overview/overview.hpp"
#include "compute/image_stats.hpp"
#include "compute/latest_only_worker.hpp"
#include "compute/loaded_data.hpp"

namespace ax {

// Pixels per side of a grid cell's picture (fewer when the head has fewer queries or keys).
constexpr attn::Index kGridPixels = 128;

struct GridCell {
  std::shared_ptr<const attn::MatF> max, mean;                     // pixel_rows x pixel_cols: each pixel's max and mean
  ImageStats max_stats, mean_stats;                                // for colour ranges (per head, or shared)
  attn::Index cells_per_pixel_rows = 1, cells_per_pixel_cols = 1;  // the largest block a pixel covers
};

struct ModelGridCells {
  std::uint64_t serial = 0;                            // the ModelGrid they picture
  std::vector<std::shared_ptr<const GridCell>> cells;  // layer-major; null while not computed
  std::size_t done = 0;                                // cells computed so far
  std::string error;                                   // why a cell could not be computed (names the file)

  bool complete() const { return done == cells.size() && error.empty(); }
};

// One head's picture: pooled from `weights` when given, else streamed from q and k with `spec`.
// Throws attn::InputError (or attn::Cancelled when `cancel` is raised).
GridCell grid_cell(const attn::ModelFile& file, attn::Index layer, attn::Index head, const std::atomic<bool>* cancel);

class ModelGridService {
 public:
  ModelGridService();
  // Starts picturing `grid` (a new grid supersedes the one computing; the same grid again is free).
  void request(const std::shared_ptr<const ModelGrid>& grid);
  // The newest pictures (partial while computing), or null before the first request.
  std::shared_ptr<const ModelGridCells> cells() const;
  bool busy() const { return worker_.busy(); }
  void wait_until_idle() { worker_.wait_until_idle(); }

 private:
  void run(const std::shared_ptr<const ModelGrid>& grid, const std::atomic<bool>& cancel);
  void publish(const ModelGridCells& cells);

  mutable std::mutex mutex_;
  std::shared_ptr<const ModelGridCells> cells_;
  std::uint64_t asked_serial_ = 0;                             // UI thread only
  LatestOnlyWorker<std::shared_ptr<const ModelGrid>> worker_;  // last: its thread uses the members above
};

}  // namespace ax
