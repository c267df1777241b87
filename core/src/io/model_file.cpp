#include "attn/io/model_file.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "attn/base/errors.hpp"
#include "attn/io/npz.hpp"
#include "io/file_reading.hpp"

namespace attn {
namespace {

const char* const kKnownNames[] = {"q", "k", "v", "weights", "tokens", "layer_names", "mask"};

std::vector<Index> leading_axes(const NdArray& a) { return std::vector<Index>(a.shape.begin(), a.shape.end() - 2); }

std::string axes_text(const std::vector<Index>& axes) {
  if (axes.empty()) return "none";
  NdArray probe;
  probe.shape = axes;
  return probe.shape_text();
}

}  // namespace

bool is_model_file_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".npz";
}

MatD ModelFile::matrix(const NdArray& array, Index layer, Index head) const {
  const Index rows = array.shape[array.shape.size() - 2];
  const Index cols = array.shape.back();
  Index k = 0;
  if (stack_shape.size() == 1) k = head;
  if (stack_shape.size() == 2) k = layer * stack_shape[1] + head;
  if (k < 0 || (k + 1) * rows * cols > array.size()) {
    throw InputError(path + ": " + head_name(layer, head) + " does not exist (" + std::to_string(layers()) +
                     " layers of " + std::to_string(heads()) + " heads)");
  }
  return Eigen::Map<const MatD>(array.values.data() + k * rows * cols, rows, cols);
}

std::string ModelFile::head_name(Index layer, Index head) const {
  std::string text;
  if (stack_shape.size() == 2) {
    text = "layer " + std::to_string(layer);
    if (layer >= 0 && static_cast<std::size_t>(layer) < layer_names.size() && !layer_names[layer].empty()) {
      text += " (" + layer_names[static_cast<std::size_t>(layer)] + ")";
    }
    text += ", ";
  }
  return text + "head " + std::to_string(head);
}

ModelFile read_model_file(const std::string& path) {
  const NpzArchive archive(path);
  ModelFile model;
  model.path = path;
  for (const std::string& name : archive.names()) {
    if (std::find(std::begin(kKnownNames), std::end(kKnownNames), name) == std::end(kKnownNames)) {
      model.unknown.push_back(name);
    }
  }
  if (!model.unknown.empty()) {
    std::string list;
    for (const std::string& name : model.unknown) list += (list.empty() ? "" : ", ") + detail::printable(name);
    model.notices.push_back(path + ": ignored arrays " + list + " (used: q, k, v, weights, tokens, layer_names, mask)");
  }
  const auto numeric = [&](const char* name, NonFinite policy) -> std::optional<NdArray> {
    if (!archive.contains(name)) return std::nullopt;
    NdArray a = archive.array(name, policy);
    if (a.rank() < 2) {
      throw InputError(path + ": array '" + name + "' has shape " + a.shape_text() +
                       " (need [n, d], [H, n, d] or [L, H, n, d])");
    }
    return a;
  };
  model.queries = numeric("q", NonFinite::Reject);
  model.keys = numeric("k", NonFinite::Reject);
  model.values = numeric("v", NonFinite::Reject);
  model.weights = numeric("weights", NonFinite::AllowNaN);
  if (archive.contains("tokens")) model.tokens = archive.strings("tokens");
  if (archive.contains("layer_names")) model.layer_names = archive.strings("layer_names");
  if (archive.contains("mask")) {
    const std::vector<std::string> mask = archive.strings("mask");
    if (mask.size() != 1 || (mask[0] != "none" && mask[0] != "causal" && mask[0] != "other")) {
      throw InputError(path + ": 'mask' must be one of 'none', 'causal' or 'other'");
    }
    model.mask = mask[0];
  }
  if (!model.queries && !model.weights) {
    throw InputError(path + ": holds neither 'weights' nor 'q' (a model archive needs at least one)");
  }
  if ((model.keys || model.values) && !model.queries) {
    throw InputError(path + ": has '" + std::string(model.keys ? "k" : "v") + "' but no 'q'");
  }

  // The first array present fixes the leading axes; every other must agree.
  const NdArray& first = model.queries ? *model.queries : *model.weights;
  const char* first_name = model.queries ? "q" : "weights";
  model.stack_shape = leading_axes(first);
  const auto check_axes = [&](const std::optional<NdArray>& a, const char* name) {
    if (a && leading_axes(*a) != model.stack_shape) {
      throw InputError(path + ": array '" + name + "' of shape " + a->shape_text() + " has leading axes " +
                       axes_text(leading_axes(*a)) + " but '" + first_name + "' of shape " + first.shape_text() +
                       " has " + axes_text(model.stack_shape));
    }
  };
  check_axes(model.keys, "k");
  check_axes(model.values, "v");
  check_axes(model.weights, "weights");
  const auto rows = [](const NdArray& a) { return a.shape[a.shape.size() - 2]; };

  if (model.queries && !model.keys) {
    model.notices.push_back(path + ": no 'k': the queries serve as keys (self-attention)");
  }
  if (model.queries && model.keys && model.keys->shape.back() != model.queries->shape.back()) {
    throw InputError(path + ": keys 'k' have dimension " + std::to_string(model.keys->shape.back()) +
                     " but queries 'q' have " + std::to_string(model.queries->shape.back()));
  }
  const Index n = rows(first);
  const Index m = model.weights ? model.weights->shape.back() : (model.keys ? rows(*model.keys) : n);
  if (model.queries && model.weights) {
    const Index key_rows = model.keys ? rows(*model.keys) : n;
    if (rows(*model.weights) != n || model.weights->shape.back() != key_rows) {
      throw InputError(path + ": 'weights' of shape " + model.weights->shape_text() + " does not match " +
                       std::to_string(n) + " queries and " + std::to_string(key_rows) + " keys");
    }
  }
  if (model.values && rows(*model.values) != m) {
    throw InputError(path + ": values 'v' have " + std::to_string(rows(*model.values)) + " rows but there are " +
                     std::to_string(m) + " keys");
  }
  const auto count = static_cast<Index>(model.tokens.size());
  if (!model.tokens.empty() && count != n && !(count == n + m && n != m)) {
    throw InputError(path + ": 'tokens' has " + std::to_string(count) + " entries for " + std::to_string(n) +
                     " queries and " + std::to_string(m) + " keys");
  }
  if (!model.layer_names.empty() && static_cast<Index>(model.layer_names.size()) != model.layers()) {
    throw InputError(path + ": 'layer_names' has " + std::to_string(model.layer_names.size()) + " entries for " +
                     std::to_string(model.layers()) + " layers");
  }
  return model;
}

}  // namespace attn
