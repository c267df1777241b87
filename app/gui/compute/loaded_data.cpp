#include "compute/loaded_data.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/model_file.hpp"
#include "compute/compute_path.hpp"
#include "compute/model_loading.hpp"
#include "compute/sentence_loading.hpp"
#include "compute/tokens_file.hpp"

namespace ax {
namespace {

// Every row is non-negative and sums to 1, apart from rows of NaN (the engine's undefined rows);
// at least one row is defined.
bool rows_are_distributions(const attn::MatD& m) {
  attn::Index defined = 0;
  for (attn::Index i = 0; i < m.rows(); ++i) {
    if (m.row(i).array().isNaN().any()) continue;
    if ((m.row(i).array() < 0.0).any() || std::abs(m.row(i).sum() - 1.0) > 1e-3) return false;
    ++defined;
  }
  return defined > 0;
}

void attach_labels(LoadedData& data, const DataSettings& s) {
  std::vector<std::string> tokens = s.tokens;
  std::string source = "data.tokens";
  if (!s.tokens_path.empty()) {
    tokens = read_tokens_file(s.tokens_path);
    source = s.tokens_path;
  }
  if (tokens.empty()) return;
  const auto n = static_cast<std::size_t>(data.query_count());
  const auto m = static_cast<std::size_t>(data.key_count());
  if (tokens.size() == n && n == m) {
    data.query_labels = data.key_labels = tokens;
  } else if (tokens.size() == n + m && !data.weights_only && data.keys) {
    data.query_labels.assign(tokens.begin(), tokens.begin() + static_cast<long>(n));
    data.key_labels.assign(tokens.begin() + static_cast<long>(n), tokens.end());
  } else {
    throw attn::InputError(source + ": " + std::to_string(tokens.size()) + " labels for " + std::to_string(n) +
                           " queries and " + std::to_string(m) + " keys");
  }
}

void load_file(LoadedData& data, const DataSettings& s, ModelFileCache& models) {
  if (s.vectors_path.empty()) throw attn::InputError("no file chosen: type a path or drop a file on the window");
  if (attn::is_model_file_path(s.vectors_path)) return load_model_file(data, s, models);
  // NaN marks undefined rows in weight files; vectors are checked strictly below.
  attn::NdArray array = attn::read_array_file(s.vectors_path, attn::NonFinite::AllowNaN);
  std::vector<attn::MatD> stack = array.stack();
  bool weights = s.content == FileContent::Weights;
  if (s.content == FileContent::Auto) {
    // Weights only when every row of every matrix is a distribution: a stack of per-head queries
    // is vectors, whatever its rank.
    weights = s.keys_path.empty() &&
              std::all_of(stack.begin(), stack.end(), [](const attn::MatD& m) { return rows_are_distributions(m); });
  }
  if (array.rank() == 4) return load_rank4_array(data, s, std::move(array), weights, models);
  if (weights) {
    if (!s.keys_path.empty()) {
      throw attn::InputError(s.vectors_path + ": holds weight matrices; a keys file makes no sense with them");
    }
    check_weight_file_size(s.vectors_path, stack.front().rows(), stack.front().cols());
    data.weights_only = true;
    data.weight_stack = std::move(stack);
    data.description =
        s.vectors_path + ": " + std::to_string(data.weight_stack.size()) + " weight matrix(es) " + array.shape_text();
    return;
  }
  attn::check_finite(s.vectors_path, array);
  if (s.head < 0 || s.head >= static_cast<int>(stack.size())) {
    throw attn::InputError(s.vectors_path + ": head " + std::to_string(s.head) + " does not exist (the file has " +
                           std::to_string(stack.size()) + ")");
  }
  data.queries = std::move(stack[static_cast<std::size_t>(s.head)]);
  data.description = s.vectors_path + " " + array.shape_text();
  if (s.keys_path.empty())
    data.description += ": self-attention, these vectors are the keys too (load a keys file for Q and K)";
  if (!s.keys_path.empty()) {
    const attn::NdArray keys = attn::read_array_file(s.keys_path);
    auto key_stack = keys.stack();
    const std::size_t head = key_stack.size() == 1 ? 0 : static_cast<std::size_t>(s.head);
    if (head >= key_stack.size()) throw attn::InputError(s.keys_path + ": has no head " + std::to_string(s.head));
    data.keys = std::move(key_stack[head]);
    if (data.keys->cols() != data.queries.cols()) {
      throw attn::InputError(s.keys_path + ": keys have dimension " + std::to_string(data.keys->cols()) +
                             " but the queries in " + s.vectors_path + " have dimension " +
                             std::to_string(data.queries.cols()));
    }
    data.description += " with keys " + s.keys_path + " " + keys.shape_text();
  }
  // Refused now, with the shape and the limit, rather than failing in the engine later.
  choose_compute_path(s.vectors_path + " " + array.shape_text(), data.query_count(), data.key_count());
}

}  // namespace

std::string ModelGrid::head_name(attn::Index layer, attn::Index head, bool with_layer_name) const {
  std::string text;
  if (layers > 1 || !layer_names.empty()) {
    text = "layer " + std::to_string(layer);
    if (with_layer_name && layer >= 0 && static_cast<std::size_t>(layer) < layer_names.size()) {
      text += " (" + layer_names[static_cast<std::size_t>(layer)] + ")";
    }
    text += ", ";
  }
  return text + "head " + std::to_string(head);
}

template <class T>
attn::Vectors<T> engine_vectors(const LoadedData& data, attn::Index max_queries) {
  if (data.weights_only) throw attn::InputError("needs vectors, not weight matrices");
  attn::Vectors<T> v;
  const attn::Index rows = data.queries.rows();
  if (max_queries >= 0 && max_queries < rows) {
    v.queries = data.queries.topRows(max_queries).template cast<T>();
    v.keys = (data.keys ? *data.keys : data.queries).template cast<T>();
  } else {
    v.queries = data.queries.template cast<T>();
    if (data.keys) v.keys = data.keys->template cast<T>();
  }
  return v;
}
template attn::Vectors<float> engine_vectors<float>(const LoadedData&, attn::Index);
template attn::Vectors<double> engine_vectors<double>(const LoadedData&, attn::Index);

std::string naming_source(const LoadedData& data, const std::string& message) {
  if (data.source.empty() || message.find(data.model ? data.model->path : data.source) != std::string::npos) {
    return message;
  }
  return data.source + ": " + message;
}

std::shared_ptr<const LoadedData> load_data(const DataSettings& s) {
  ModelFileCache models;
  return load_data(s, models);
}

std::shared_ptr<const LoadedData> load_data(const DataSettings& s, ModelFileCache& models) {
  auto data = std::make_shared<LoadedData>();
  switch (s.source) {
    case DataSource::Generated: {
      const auto kind = attn::parse_dataset_kind(s.generator);
      choose_compute_path("generated data n=" + std::to_string(s.n), s.n, s.n);
      attn::Dataset generated = attn::generate_dataset(kind, s.n, s.d, s.seed, s.clusters);
      data->queries = std::move(generated.points);
      if (kind == attn::DatasetKind::Clusters) data->groups = std::move(generated.labels);
      data->description =
          s.generator + " n=" + std::to_string(s.n) + " d=" + std::to_string(s.d) + " seed=" + std::to_string(s.seed);
      break;
    }
    case DataSource::Points2D: {
      if (s.points.empty()) throw attn::InputError("no points: click on the plane to add some");
      data->queries.resize(static_cast<attn::Index>(s.points.size()), 2);
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        data->queries(static_cast<attn::Index>(i), 0) = s.points[i][0];
        data->queries(static_cast<attn::Index>(i), 1) = s.points[i][1];
      }
      data->description = std::to_string(s.points.size()) + " points in 2-D";
      break;
    }
    case DataSource::File:
      load_file(*data, s, models);
      if (data->source.empty()) data->source = s.vectors_path;
      break;
    case DataSource::Sentence: load_sentence(*data, s); break;
  }
  attach_labels(*data, s);
  return data;
}

bool DataController::update(DataSettings& settings, std::string& error) {
  // Compared by value every frame: cheap, and nothing is serialised.
  if (data_ && settings == last_good_) return false;
  try {
    if (!models_) models_ = std::make_shared<ModelFileCache>();
    data_ = load_data(settings, *models_);
    if (data_->model) {
      // The head, layer and group shown: what was asked, or the nearest the file holds.
      settings.layer = static_cast<int>(data_->layer);
      settings.head = static_cast<int>(data_->head);
      if (settings.source == DataSource::File && attn::is_model_file_path(settings.vectors_path)) {
        settings.group = data_->model->group;
      }
    }
    last_good_ = settings;
    ++generation_;
    return true;
  } catch (const std::exception& e) {
    error = attn::one_line(e.what());
    if (data_) {
      settings = last_good_;
    } else {
      // Nothing loaded yet (e.g. a scenario naming a missing file): fall back to generated data.
      settings = DataSettings{};
      data_ = load_data(settings);
      last_good_ = settings;
      ++generation_;
    }
    return true;
  }
}

}  // namespace ax
