#include "attn/io/model_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/npz.hpp"
#include "io/file_reading.hpp"
#include "io/model_masks.hpp"

namespace attn {
namespace {

// Members of one model (at the top level, or after "<group>/").
const char* const kModelNames[] = {"q",          "k",           "v",         "weights",    "tokens",
                                   "key_tokens", "role",        "mask",      "mask_kind",  "layer_names",
                                   "blocked",    "key_padding", "attn_bias", "q_replaced", "k_replaced"};
// Members of the whole file.
const char* const kFileNames[] = {"export_format", "precision",  "dropout_applied",
                                  "src_tokens",    "tgt_tokens", "groups"};

std::vector<Index> leading_axes(const NdArray& a) { return std::vector<Index>(a.shape.begin(), a.shape.end() - 2); }

std::string axes_text(const std::vector<Index>& axes) {
  if (axes.empty()) return "none";
  NdArray probe;
  probe.shape = axes;
  return probe.shape_text();
}

std::string joined(const std::vector<std::string>& words) {
  std::string list;
  for (const std::string& w : words) list += (list.empty() ? "" : ", ") + printable(w);
  return list;
}

// One word of a one-entry text member, among `allowed`; `fallback` when the member is absent.
std::string word(const NpzArchive& archive, const std::string& name, std::initializer_list<const char*> allowed,
                 const std::string& fallback) {
  if (!archive.contains(name)) return fallback;
  const std::vector<std::string> text = archive.strings(name);
  std::string choices;
  for (const char* a : allowed) choices += std::string(choices.empty() ? "'" : ", '") + a + "'";
  const bool known =
      text.size() == 1 && std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return text[0] == a; });
  if (!known) {
    std::string held = std::to_string(text.size()) + " entries";
    if (text.size() == 1) {
      held = "'";
      held += printable(text[0]);
      held += "'";
    }
    throw InputError(archive.path() + ": '" + name + "' must be one word, one of " + choices + " (it holds " + held +
                     ")");
  }
  return text[0];
}

// The group to read: `wanted`, or the first; checks the group names.
std::string choose_group(const NpzArchive& archive, const std::vector<std::string>& groups, const std::string& wanted) {
  if (groups.empty()) {
    if (!wanted.empty()) {
      throw InputError(archive.path() + ": has no groups, so no group '" + printable(wanted) + "'");
    }
    return "";
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const bool word_chars = !groups[g].empty() && std::all_of(groups[g].begin(), groups[g].end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '.' || c == '-';
    });
    if (!word_chars || std::count(groups.begin(), groups.end(), groups[g]) > 1) {
      throw InputError(archive.path() + ": 'groups' entry " + std::to_string(g) + " ('" + printable(groups[g]) +
                       "') is empty, repeated or not a word of [A-Za-z0-9_.-]");
    }
  }
  if (wanted.empty()) return groups.front();
  if (std::find(groups.begin(), groups.end(), wanted) == groups.end()) {
    throw InputError(archive.path() + ": no group '" + printable(wanted) + "' (groups: " + joined(groups) + ")");
  }
  return wanted;
}

// Names the reader does not use, listed once in a notice.
void note_unknown(const NpzArchive& archive, const std::vector<std::string>& groups, ModelFile& model) {
  for (const std::string& name : archive.names()) {
    std::string local = name;
    for (const std::string& g : groups) {
      if (name.rfind(g + "/", 0) == 0) local = name.substr(g.size() + 1);
    }
    const bool model_name = std::find_if(std::begin(kModelNames), std::end(kModelNames), [&](const char* n) {
                              return local == n && (groups.empty() || local != name);
                            }) != std::end(kModelNames);
    const bool file_name = std::find_if(std::begin(kFileNames), std::end(kFileNames),
                                        [&](const char* n) { return name == n; }) != std::end(kFileNames);
    if (!model_name && !file_name) model.unknown.push_back(name);
  }
  if (!model.unknown.empty()) {
    model.notices.push_back(model.path + ": ignored arrays " + joined(model.unknown) +
                            " (see the README's \"The model file\" for the names this program reads)");
  }
}

void read_members(const NpzArchive& archive, const std::string& prefix, ModelFile& model) {
  const auto numeric = [&](const char* local, NonFinite policy) -> std::optional<NdArray> {
    const std::string name = prefix + local;
    if (!archive.contains(name)) return std::nullopt;
    NdArray a = archive.array(name, policy);
    if (a.rank() < 2) {
      throw InputError(model.path + ": array '" + name + "' has shape " + a.shape_text() +
                       " (need [n, d], [H, n, d] or [L, H, n, d])");
    }
    return a;
  };
  const auto text = [&](const char* local) {
    const std::string name = prefix + local;
    return archive.contains(name) ? archive.strings(name) : std::vector<std::string>{};
  };
  model.queries = numeric("q", NonFinite::Reject);
  model.keys = numeric("k", NonFinite::Reject);
  model.values = numeric("v", NonFinite::Reject);
  model.weights = numeric("weights", NonFinite::AllowNaN);
  model.tokens = text("tokens");
  model.key_tokens = text("key_tokens");
  model.layer_names = text("layer_names");
  model.role = word(archive, prefix + "role", {"self", "cross"}, "self");
  model.mask = word(archive, prefix + "mask", {"none", "causal", "other"}, "none");
  model.mask_kinds = text("mask_kind");
  const std::string where = model.source();
  if (!model.queries && !model.weights) {
    throw InputError(where + ": holds neither 'weights' nor 'q' (a model archive needs at least one)");
  }
  if ((model.keys || model.values) && !model.queries) {
    throw InputError(where + ": has '" + std::string(model.keys ? "k" : "v") + "' but no 'q'");
  }
}

// Every row of the model's weights is NaN whole or not at all (the file's undefined rows).
void check_undefined_rows(const ModelFile& model, const std::string& name) {
  const NdArray& w = *model.weights;
  const Index m = w.shape.back();
  for (Index row = 0; row * m < w.size(); ++row) {
    const double* x = w.values.data() + row * m;
    const auto nan = std::count_if(x, x + m, [](double v) { return std::isnan(v); });
    if (nan != 0 && nan != m) {
      throw InputError(model.path + ": '" + name + "' row " + detail::index_text(w.shape, row * m) + " is NaN in " +
                       std::to_string(nan) + " of " + std::to_string(m) +
                       " entries (an undefined row is NaN whole, a defined row nowhere)");
    }
  }
}

// Every shape agrees: leading axes, n, m, d, tokens and layer names.
void check_agreement(ModelFile& model, const std::string& prefix) {
  const std::string& path = model.path;
  const NdArray& first = model.queries ? *model.queries : *model.weights;
  const std::string first_name = prefix + (model.queries ? "q" : "weights");
  model.stack_shape = leading_axes(first);
  const auto check_axes = [&](const std::optional<NdArray>& a, const char* local) {
    if (a && leading_axes(*a) != model.stack_shape) {
      throw InputError(path + ": array '" + prefix + local + "' of shape " + a->shape_text() + " has leading axes " +
                       axes_text(leading_axes(*a)) + " but '" + first_name + "' of shape " + first.shape_text() +
                       " has " + axes_text(model.stack_shape));
    }
  };
  check_axes(model.keys, "k");
  check_axes(model.values, "v");
  check_axes(model.weights, "weights");
  const auto rows = [](const NdArray& a) { return a.shape[a.shape.size() - 2]; };
  if (model.queries && !model.keys) {
    model.notices.push_back(model.source() + ": no 'k': the queries serve as keys (self-attention)");
  }
  if (model.queries && model.keys && model.keys->shape.back() != model.queries->shape.back()) {
    throw InputError(path + ": keys '" + prefix + "k' have dimension " + std::to_string(model.keys->shape.back()) +
                     " but queries '" + prefix + "q' have " + std::to_string(model.queries->shape.back()));
  }
  const Index n = model.query_count(), m = model.key_count();
  if (model.queries && model.weights && (rows(*model.weights) != n || model.weights->shape.back() != m)) {
    throw InputError(path + ": '" + prefix + "weights' of shape " + model.weights->shape_text() + " does not match " +
                     std::to_string(n) + " queries and " + std::to_string(m) + " keys");
  }
  if (model.weights) check_undefined_rows(model, prefix + "weights");
  if (model.values && rows(*model.values) != m) {
    throw InputError(path + ": values '" + prefix + "v' have " + std::to_string(rows(*model.values)) +
                     " rows but there are " + std::to_string(m) + " keys");
  }
  const auto count = static_cast<Index>(model.tokens.size());
  if (!model.tokens.empty() && count != n && !(count == n + m && n != m && model.key_tokens.empty())) {
    throw InputError(path + ": '" + prefix + "tokens' has " + std::to_string(count) + " entries for " +
                     std::to_string(n) + " queries and " + std::to_string(m) + " keys");
  }
  if (!model.key_tokens.empty() && static_cast<Index>(model.key_tokens.size()) != m) {
    throw InputError(path + ": '" + prefix + "key_tokens' has " + std::to_string(model.key_tokens.size()) +
                     " entries for " + std::to_string(m) + " keys");
  }
  if (!model.layer_names.empty() && static_cast<Index>(model.layer_names.size()) != model.layers()) {
    throw InputError(path + ": '" + prefix + "layer_names' has " + std::to_string(model.layer_names.size()) +
                     " entries for " + std::to_string(model.layers()) + " layers");
  }
}

}  // namespace

bool is_model_file_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".npz";
}

Index ModelFile::query_count() const {
  const NdArray& a = queries ? *queries : *weights;
  return a.shape[a.shape.size() - 2];
}

Index ModelFile::key_count() const {
  if (weights) return weights->shape.back();
  return keys ? keys->shape[keys->shape.size() - 2] : query_count();
}

MatD ModelFile::matrix(const NdArray& array, Index layer, Index head) const {
  const Index rows = array.shape[array.shape.size() - 2];
  const Index cols = array.shape.back();
  Index k = 0;
  if (stack_shape.size() == 1) k = head;
  if (stack_shape.size() == 2) k = layer * stack_shape[1] + head;
  if (k < 0 || (k + 1) * rows * cols > array.size()) {
    throw InputError(source() + ": " + head_name(layer, head) + " does not exist (" + std::to_string(layers()) +
                     " layers of " + std::to_string(heads()) + " heads)");
  }
  return Eigen::Map<const MatD>(array.values.data() + k * rows * cols, rows, cols);
}

HeadMask ModelFile::head_mask(Index layer, Index head) const {
  if (head_masks.empty() || layer < 0 || layer >= layers() || head < 0 || head >= heads()) return {};
  return head_masks[static_cast<std::size_t>(layer * mask_heads + (mask_heads == 1 ? 0 : head))];
}

bool ModelFile::has_masks() const {
  return std::any_of(head_masks.begin(), head_masks.end(), [](const HeadMask& h) { return !h.is_none(); });
}

std::vector<std::string> ModelFile::column_labels() const {
  if (!key_tokens.empty()) return key_tokens;
  const auto n = static_cast<std::size_t>(query_count()), m = static_cast<std::size_t>(key_count());
  if (tokens.size() == n + m && n != m) return {tokens.begin() + static_cast<long>(n), tokens.end()};
  if (tokens.size() == m && role == "self") return tokens;
  return {};
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

std::string ModelFile::source() const { return group.empty() ? path : path + ", group " + group; }

std::vector<std::string> model_file_groups(const std::string& path) {
  const NpzArchive archive(path);
  return archive.contains("groups") ? archive.strings("groups") : std::vector<std::string>{};
}

namespace {

// The shapes and memory of the members the reader will keep, from their headers only.
ModelShapes read_shapes(const NpzArchive& archive, const std::string& prefix) {
  ModelShapes shapes;
  shapes.path = archive.path();
  std::vector<std::string> kept;
  const auto count = [&](const std::string& name) -> std::optional<std::vector<Index>> {
    if (!archive.contains(name)) return std::nullopt;
    const NpzArchive::ArrayInfo info = archive.info(name);
    shapes.memory_bytes = add_bytes(shapes.memory_bytes, info.memory_bytes);
    kept.push_back(name);
    return info.is_text ? std::nullopt : std::optional(info.shape);
  };
  for (const char* name : kModelNames) {
    const auto shape = count(prefix + name);
    const std::string local = name;
    if (local == "q") shapes.queries = shape;
    if (local == "k") shapes.keys = shape;
    if (local == "v") shapes.values = shape;
    if (local == "weights") shapes.weights = shape;
  }
  for (const char* name : kFileNames) count(name);
  check_memory_budget(shapes.memory_bytes, archive.path() + ": its arrays (" + joined(kept) + ")");
  return shapes;
}

ModelFile read_model(const std::string& path, const std::string& group, const ModelShapeCheck& check_shapes) {
  const NpzArchive archive(path);
  ModelFile model;
  model.path = path;
  model.format = word(archive, "export_format", {"1", "2"}, "1");
  if (archive.contains("groups")) model.groups = archive.strings("groups");
  model.group = choose_group(archive, model.groups, group);
  const std::string prefix = model.group.empty() ? "" : model.group + "/";
  const ModelShapes shapes = read_shapes(archive, prefix);
  if (check_shapes) check_shapes(shapes);
  note_unknown(archive, model.groups, model);
  model.precision = word(archive, "precision", {"float64", "float32", "bfloat16", "float16"}, "float32");
  model.dropout_applied = word(archive, "dropout_applied", {"true", "false"}, "false") == "true";
  if (archive.contains("src_tokens")) model.src_tokens = archive.strings("src_tokens");
  if (archive.contains("tgt_tokens")) model.tgt_tokens = archive.strings("tgt_tokens");
  read_members(archive, prefix, model);
  check_agreement(model, prefix);
  detail::read_model_masks(archive, prefix, model);
  return model;
}

}  // namespace

ModelFile read_model_file(const std::string& path, const std::string& group, const ModelShapeCheck& check_shapes) {
  return naming_out_of_memory(path, [&] { return read_model(path, group, check_shapes); });
}

}  // namespace attn
