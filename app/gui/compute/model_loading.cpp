#include "compute/model_loading.hpp"

#include <atomic>
#include <filesystem>
#include <limits>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"
#include "compute/model_grid_budget.hpp"

namespace ax {
namespace {

std::uint64_t next_serial() {
  // Texture versions of grid cells: far above the heatmap images' own counter.
  static std::atomic<std::uint64_t> serial{std::uint64_t(1) << 40};
  return ++serial;
}

// Rows that are not distributions become NaN (undefined), as in any loaded weight file.
std::vector<attn::RowStatus> mark_undefined_rows(attn::MatF& w) {
  std::vector<attn::RowStatus> rows(static_cast<std::size_t>(w.rows()), attn::RowStatus::Defined);
  for (attn::Index i = 0; i < w.rows(); ++i) {
    const double total = w.row(i).cast<double>().sum();
    if (!(std::abs(total - 1.0) <= 1e-3) || (w.row(i).array() < 0.0f).any()) {
      rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
      w.row(i).setConstant(std::numeric_limits<float>::quiet_NaN());
    }
  }
  return rows;
}

attn::Mask engine_mask(const std::string& mask) { return mask == "causal" ? attn::Mask::Causal : attn::Mask::None; }

std::shared_ptr<const ModelGrid> make_grid(const attn::ModelFile& file) {
  check_model_grid_budget(file, whole_matrix_cell_bytes(file));  // before any cell is made
  auto grid = std::make_shared<ModelGrid>();
  grid->path = file.path;
  grid->layers = file.layers();
  grid->heads = file.heads();
  grid->layer_names = file.layer_names;
  grid->has_vectors = file.queries.has_value();
  grid->mask = file.mask;
  grid->serial = next_serial();
  grid->cells_are_model_weights = file.weights.has_value();
  for (attn::Index layer = 0; layer < grid->layers; ++layer) {
    for (attn::Index head = 0; head < grid->heads; ++head) {
      attn::MatF w;
      std::vector<attn::RowStatus> rows;
      if (file.weights) {
        w = file.matrix(*file.weights, layer, head).cast<float>();
        rows = mark_undefined_rows(w);
      } else {
        // No weights in the file: the small multiples show softmax recomputed from Q and K.
        attn::Vectors<double> v;
        v.queries = file.matrix(*file.queries, layer, head);
        if (file.keys) v.keys = file.matrix(*file.keys, layer, head);
        attn::AttentionSpec spec;
        spec.mask = engine_mask(file.mask);
        const attn::Weights<double> computed = attn::compute_weights(v, spec);
        w = computed.matrix.cast<float>();
        rows = computed.rows;
      }
      grid->cell_stats.push_back(image_stats(w, rows));
      grid->cells.push_back(std::make_shared<const attn::MatF>(std::move(w)));
    }
  }
  return grid;
}

std::string file_stamp(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto time = std::filesystem::last_write_time(path, ec);
  return std::to_string(size) + ":" + std::to_string(time.time_since_epoch().count());
}

void show_cell(LoadedData& data, const DataSettings& s, const attn::ModelFile& file,
               std::shared_ptr<const ModelGrid> grid) {
  const attn::Index layer = s.layer, head = s.head;
  if (layer >= grid->layers || head >= grid->heads) {
    throw attn::InputError(file.path + ": " + grid->head_name(layer, head, false) + " does not exist (" +
                           std::to_string(grid->layers) + " layer(s) of " + std::to_string(grid->heads) +
                           " heads, numbered from 0)");
  }
  data.model = grid;
  data.layer = layer;
  data.head = head;
  data.notices = file.notices;
  const std::string where = grid->head_name(layer, head, false);
  if (file.queries) {
    data.queries = file.matrix(*file.queries, layer, head);
    if (file.keys) data.keys = file.matrix(*file.keys, layer, head);
    if (file.weights) data.reference = file.matrix(*file.weights, layer, head);
    data.description = file.path + ": " + where + ", " + std::to_string(data.queries.rows()) +
                       " queries of dimension " + std::to_string(data.queries.cols()) +
                       (data.reference ? ", with the model's weights" : "");
  } else {
    data.weights_only = true;
    data.weight_stack = {file.matrix(*file.weights, layer, head)};
    data.description = file.path + ": " + where + ", the model's weights only (no q and k)";
  }
  if (file.mask == "other") {
    data.notices.push_back(file.path +
                           ": the model used a mask the app cannot apply (not causal): recomputed "
                           "weights will differ from the model's");
  }
  // Tokens of the file label the axes unless the settings give their own.
  if (!file.tokens.empty() && s.tokens.empty() && s.tokens_path.empty()) {
    const auto n = static_cast<std::size_t>(data.query_count());
    if (file.tokens.size() == n) {
      data.query_labels = file.tokens;
      if (static_cast<std::size_t>(data.key_count()) == n) data.key_labels = file.tokens;
    } else {
      data.query_labels.assign(file.tokens.begin(), file.tokens.begin() + static_cast<long>(n));
      data.key_labels.assign(file.tokens.begin() + static_cast<long>(n), file.tokens.end());
    }
  }
}

}  // namespace

ModelFileCache::Entry ModelFileCache::get(const std::string& path) {
  const std::string stamp = file_stamp(path);
  if (entry_.file && path == path_ && stamp == stamp_) return entry_;
  Entry entry;
  auto file = std::make_shared<attn::ModelFile>(attn::read_model_file(path));
  entry.grid = make_grid(*file);
  entry.file = std::move(file);
  entry_ = entry;
  path_ = path;
  stamp_ = stamp;
  return entry;
}

void load_model_file(LoadedData& data, const DataSettings& s, ModelFileCache& cache) {
  if (!s.keys_path.empty()) {
    throw attn::InputError(s.vectors_path + ": a model file holds its own keys ('k'); clear the keys path");
  }
  const ModelFileCache::Entry entry = cache.get(s.vectors_path);
  show_cell(data, s, *entry.file, entry.grid);
}

void load_model_run(LoadedData& data, const DataSettings& s, const attn::ModelFile& file) {
  show_cell(data, s, file, make_grid(file));
}

void load_rank4_array(LoadedData& data, const DataSettings& s, attn::NdArray array, bool weights) {
  attn::ModelFile file;
  file.path = s.vectors_path;
  file.stack_shape = {array.shape[0], array.shape[1]};
  if (weights) {
    file.weights = std::move(array);
  } else {
    attn::check_finite(s.vectors_path, array);
    file.queries = std::move(array);
  }
  if (!s.keys_path.empty()) {
    throw attn::InputError(s.vectors_path +
                           ": a rank-4 file is shown as a model (every layer and head); "
                           "put its keys in a model file (.npz with q and k) instead");
  }
  show_cell(data, s, file, make_grid(file));
}

}  // namespace ax
