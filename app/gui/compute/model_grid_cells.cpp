#include "compute/model_grid_cells.hpp"

#include <algorithm>
#include <chrono>
#include <new>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/kernels/attention.hpp"
#include "compute/model_loading.hpp"

namespace ax {
namespace {

std::shared_ptr<const attn::MatF> as_image(const std::vector<float>& pixels, attn::Index rows, attn::Index cols) {
  return std::make_shared<const attn::MatF>(Eigen::Map<const attn::MatF>(pixels.data(), rows, cols));
}

// Pixels with no defined cell are NaN: the statistics skip them as undefined rows skip theirs.
ImageStats picture_stats(const attn::MatF& image) {
  return image_stats(image,
                     std::vector<attn::RowStatus>(static_cast<std::size_t>(image.rows()), attn::RowStatus::Defined));
}

}  // namespace

GridCell grid_cell(const attn::ModelFile& file, attn::Index layer, attn::Index head, const std::atomic<bool>* cancel) {
  const attn::Index n = file.query_count(), m = file.key_count();
  attn::OverviewRequest request;
  request.pixel_rows = std::min(n, kGridPixels);
  request.pixel_cols = std::min(m, kGridPixels);
  attn::Overview overview;
  if (file.weights) {
    overview = attn::overview_of(model_weights(file, layer, head), request);
  } else {
    attn::Vectors<float> v;
    v.queries = file.matrix(*file.queries, layer, head).cast<float>();
    if (file.keys) v.keys = file.matrix(*file.keys, layer, head).cast<float>();
    attn::AttentionSpec spec;  // exp, scaled-dot, alpha 1: the model's own softmax
    const attn::HeadMask mask = file.head_mask(layer, head);
    spec.mask = mask.causal ? attn::Mask::Causal : attn::Mask::None;
    spec.mask_arrays = mask.arrays;
    attn::ProgressReporter progress;
    progress.cancel = cancel;
    overview = attn::stream_overview(v, spec, attn::Perturbation{}, request, progress);
  }
  GridCell cell;
  cell.max = as_image(overview.peak, overview.pixel_rows, overview.pixel_cols);
  cell.mean = as_image(overview.mean, overview.pixel_rows, overview.pixel_cols);
  cell.max_stats = picture_stats(*cell.max);
  cell.mean_stats = picture_stats(*cell.mean);
  cell.cells_per_pixel_rows = (n + overview.pixel_rows - 1) / overview.pixel_rows;
  cell.cells_per_pixel_cols = (m + overview.pixel_cols - 1) / overview.pixel_cols;
  return cell;
}

ModelGridService::ModelGridService()
    : worker_([this](const std::shared_ptr<const ModelGrid>& grid, std::uint64_t, const std::atomic<bool>& cancel) {
        run(grid, cancel);
      }) {}

void ModelGridService::request(const std::shared_ptr<const ModelGrid>& grid) {
  if (!grid || grid->serial == asked_serial_) return;
  asked_serial_ = grid->serial;
  auto empty = std::make_shared<ModelGridCells>();
  empty->serial = grid->serial;
  empty->cells.assign(static_cast<std::size_t>(grid->layers * grid->heads), nullptr);
  publish(*empty);
  worker_.submit(grid);
}

std::shared_ptr<const ModelGridCells> ModelGridService::cells() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cells_;
}

void ModelGridService::publish(const ModelGridCells& cells) {
  auto copy = std::make_shared<const ModelGridCells>(cells);
  std::lock_guard<std::mutex> lock(mutex_);
  cells_ = std::move(copy);
}

void ModelGridService::run(const std::shared_ptr<const ModelGrid>& grid, const std::atomic<bool>& cancel) {
  ModelGridCells out;
  out.serial = grid->serial;
  out.cells.assign(static_cast<std::size_t>(grid->layers * grid->heads), nullptr);
  // Each publication copies the list of cells: at most one every kPublishEvery (and the last), so a
  // grid of thousands of tiny heads is not copied once per head.
  constexpr std::chrono::milliseconds kPublishEvery{40};
  auto published = std::chrono::steady_clock::now();
  for (attn::Index layer = 0; layer < grid->layers; ++layer) {
    for (attn::Index head = 0; head < grid->heads; ++head) {
      if (cancel.load()) throw attn::Cancelled();
      try {
        out.cells[static_cast<std::size_t>(layer * grid->heads + head)] =
            std::make_shared<const GridCell>(grid_cell(*grid->file, layer, head, &cancel));
      } catch (const attn::InputError& e) {
        out.error = attn::one_line(grid->file->source() + ": " + grid->head_name(layer, head, false) + ": " + e.what());
        publish(out);
        return;
      } catch (const std::bad_alloc&) {
        out.error = attn::one_line(attn::out_of_memory_message(grid->file->source()));
        publish(out);
        return;
      }
      ++out.done;
      const auto now = std::chrono::steady_clock::now();
      if (out.done == out.cells.size() || now - published >= kPublishEvery) {
        publish(out);
        published = now;
      }
    }
  }
}

}  // namespace ax
