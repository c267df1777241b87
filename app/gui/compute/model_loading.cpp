#include "compute/model_loading.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
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

// Rows that are not distributions become NaN (undefined), as in any loaded weight file; weights
// after dropout keep their rows (they need not sum to 1), and only the file's NaN rows are undefined.
std::vector<attn::RowStatus> mark_undefined_rows(attn::MatF& w, bool after_dropout) {
  std::vector<attn::RowStatus> rows(static_cast<std::size_t>(w.rows()), attn::RowStatus::Defined);
  for (attn::Index i = 0; i < w.rows(); ++i) {
    const double total = w.row(i).cast<double>().sum();
    const bool distribution = std::abs(total - 1.0) <= 1e-3 && !(w.row(i).array() < 0.0f).any();
    if (!distribution && !(after_dropout && std::isfinite(total))) {
      rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
      w.row(i).setConstant(std::numeric_limits<float>::quiet_NaN());
    }
  }
  return rows;
}

std::shared_ptr<const ModelGrid> make_grid(std::shared_ptr<const attn::ModelFile> file) {
  check_model_grid_budget(*file, pooled_cell_bytes(*file));  // before any cell is made
  auto grid = std::make_shared<ModelGrid>();
  grid->path = file->path;
  grid->layers = file->layers();
  grid->heads = file->heads();
  grid->layer_names = file->layer_names;
  grid->has_vectors = file->queries.has_value();
  grid->mask = file->mask;
  grid->has_masks = file->has_masks();
  grid->groups = file->groups;
  grid->group = file->group;
  grid->role = file->role;
  grid->precision = file->precision;
  grid->dropout_applied = file->dropout_applied;
  grid->serial = next_serial();
  grid->cells_are_model_weights = file->weights.has_value();
  grid->file = std::move(file);
  return grid;
}

std::string file_stamp(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto time = std::filesystem::last_write_time(path, ec);
  return std::to_string(size) + ":" + std::to_string(time.time_since_epoch().count());
}

// A layer or head the file does not hold (typed for another file) becomes the nearest it holds.
attn::Index clamped(int wanted, attn::Index count, const char* what, const attn::ModelFile& file,
                    std::vector<std::string>& notices) {
  const attn::Index shown = std::clamp<attn::Index>(wanted, 0, count - 1);
  if (shown != wanted) {
    notices.push_back(file.source() + ": no " + what + " " + std::to_string(wanted) + " (" + std::to_string(count) +
                      " " + what + (count == 1 ? "" : "s") + ", numbered from 0): showing " + what + " " +
                      std::to_string(shown));
  }
  return shown;
}

// Row labels are the queries' tokens, column labels the keys' (another sequence in
// cross-attention); the settings' own tokens win.
void attach_file_tokens(LoadedData& data, const DataSettings& s, const attn::ModelFile& file) {
  if (file.tokens.empty() || !s.tokens.empty() || !s.tokens_path.empty()) return;
  const auto n = static_cast<std::size_t>(data.query_count());
  data.query_labels.assign(file.tokens.begin(),
                           file.tokens.begin() + static_cast<long>(std::min(n, file.tokens.size())));
  data.key_labels = file.column_labels();
  if (data.key_labels.size() != static_cast<std::size_t>(data.key_count())) data.key_labels.clear();
}

void show_cell(LoadedData& data, const DataSettings& s, const attn::ModelFile& file,
               std::shared_ptr<const ModelGrid> grid) {
  data.notices = file.notices;
  data.source = file.source();
  const attn::Index layer = clamped(s.layer, grid->layers, "layer", file, data.notices);
  const attn::Index head = clamped(s.head, grid->heads, "head", file, data.notices);
  data.model = grid;
  data.layer = layer;
  data.head = head;
  const std::string where = (grid->group.empty() ? "" : grid->group + " ") + grid->head_name(layer, head, false);
  if (file.queries) {
    data.queries = file.matrix(*file.queries, layer, head);
    if (file.keys) data.keys = file.matrix(*file.keys, layer, head);
    if (file.weights) data.reference = file.matrix(*file.weights, layer, head);
    data.model_mask = file.head_mask(layer, head);
    data.description = file.path + ": " + where + ", " + std::to_string(data.queries.rows()) +
                       " queries of dimension " + std::to_string(data.queries.cols()) +
                       (data.reference ? ", with the model's weights" : "") +
                       (file.dropout_applied ? " (after dropout)" : "");
  } else {
    data.weights_only = true;
    data.weight_stack = {file.matrix(*file.weights, layer, head)};
    data.description = file.path + ": " + where + ", the model's weights only (no q and k)";
  }
  if (file.dropout_applied) {
    data.notices.push_back(file.source() +
                           ": the model ran in training mode: its weights are after dropout (rows need not sum "
                           "to 1), so no recomputation equals them");
  }
  attach_file_tokens(data, s, file);
}

}  // namespace

attn::Weights<float> model_weights(const attn::ModelFile& file, attn::Index layer, attn::Index head) {
  attn::Weights<float> w;
  w.matrix = file.matrix(*file.weights, layer, head).cast<float>();
  w.rows = mark_undefined_rows(w.matrix, file.dropout_applied);
  return w;
}

ModelFileCache::Entry ModelFileCache::get(const std::string& path, const std::string& group) {
  return remember(path, group, [&] { return attn::read_model_file(path, group); });
}

ModelFileCache::Entry ModelFileCache::remember(const std::string& path, const std::string& group,
                                               const std::function<attn::ModelFile()>& read) {
  const std::string stamp = file_stamp(path);
  if (entry_.file && path == path_ && group == group_ && stamp == stamp_) return entry_;
  Entry entry;
  auto file = std::make_shared<const attn::ModelFile>(read());
  entry.grid = make_grid(file);
  entry.file = std::move(file);
  entry_ = entry;
  path_ = path;
  group_ = group;
  stamp_ = stamp;
  return entry;
}

void load_model_file(LoadedData& data, const DataSettings& s, ModelFileCache& cache) {
  if (!s.keys_path.empty()) {
    throw attn::InputError(s.vectors_path + ": a model file holds its own keys ('k'); clear the keys path");
  }
  // A group typed for another file: the first group of this one, with a notice.
  std::string group = s.group;
  std::string group_notice;
  if (!group.empty()) {
    const std::vector<std::string> groups = attn::model_file_groups(s.vectors_path);
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
      group_notice = s.vectors_path + ": no group '" + group + "'" +
                     (groups.empty() ? " (the file has none)" : ": showing group '" + groups.front() + "'");
      group.clear();
    }
  }
  const ModelFileCache::Entry entry = cache.get(s.vectors_path, group);
  show_cell(data, s, *entry.file, entry.grid);
  if (!group_notice.empty()) data.notices.insert(data.notices.begin(), group_notice);
}

void load_model_run(LoadedData& data, const DataSettings& s, attn::ModelFile file) {
  const auto shared = std::make_shared<const attn::ModelFile>(std::move(file));
  show_cell(data, s, *shared, make_grid(shared));
}

void load_rank4_array(LoadedData& data, const DataSettings& s, attn::NdArray array, bool weights,
                      ModelFileCache& cache) {
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
  // Cached like a model file, so stepping through its heads keeps the grid and its pictures.
  const ModelFileCache::Entry entry =
      cache.remember(s.vectors_path, weights ? "#rank-4 weights" : "#rank-4 vectors", [&] { return std::move(file); });
  show_cell(data, s, *entry.file, entry.grid);
}

}  // namespace ax
