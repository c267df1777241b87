#include "io/model_masks.hpp"

#include <algorithm>
#include <memory>

#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "io/file_reading.hpp"

namespace attn::detail {
namespace {

const char* const kMaskKinds[] = {"none", "causal", "padding", "causal+padding", "other"};

// A 0/1 member of the given shape(s), named in errors by its full member name.
std::optional<NdArray> flags(const NpzArchive& archive, const ModelFile& model, const std::string& name,
                             const std::vector<std::vector<Index>>& shapes, bool only_zero_one) {
  if (!archive.contains(name)) return std::nullopt;
  NdArray a = archive.array(name, NonFinite::Reject);
  if (std::find(shapes.begin(), shapes.end(), a.shape) == shapes.end()) {
    std::string expected;
    for (const auto& s : shapes) {
      NdArray probe;
      probe.shape = s;
      expected += (expected.empty() ? "" : " or ") + probe.shape_text();
    }
    throw InputError(model.path + ": '" + name + "' has shape " + a.shape_text() + " but " + model.source() +
                     " needs " + expected + " (layers, [heads,] queries, keys)");
  }
  if (only_zero_one) {
    for (Index k = 0; k < a.size(); ++k) {
      const double v = a.values[static_cast<std::size_t>(k)];
      if (v != 0.0 && v != 1.0) {
        throw InputError(model.path + ": '" + name + "' holds " + std::to_string(v) + " at " + index_text(a.shape, k) +
                         " (only 0 and 1: 1 = blocked)");
      }
    }
  }
  return a;
}

// Entries [layer, head] of a [L, n, m] or [L, H, n, m] member.
const double* slice(const NdArray& a, Index layer, Index head, Index n, Index m) {
  const Index per_layer = a.rank() == 4 ? a.shape[1] : 1;
  return a.values.data() + (layer * per_layer + (a.rank() == 4 ? head : 0)) * n * m;
}

bool is_causal(const double* blocked, Index n, Index m) {
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < m; ++j) {
      if ((blocked[i * m + j] != 0.0) != (j > i)) return false;
    }
  }
  return true;
}

struct MaskMembers {
  std::optional<NdArray> blocked, padding, bias;
};

HeadMask head_mask(const MaskMembers& a, const ModelFile& model, Index layer, Index head) {
  const Index n = model.query_count(), m = model.key_count();
  HeadMask out;
  auto arrays = std::make_shared<MaskArrays>();
  arrays->queries = n;
  arrays->keys = m;
  if (!a.blocked && !a.padding) out.causal = model.mask == "causal";  // format 1: the word alone
  if (a.blocked) {
    const double* b = slice(*a.blocked, layer, head, n, m);
    if (is_causal(b, n, m)) {
      out.causal = true;  // the rule: what the kernels skip and stream best
    } else if (std::any_of(b, b + n * m, [](double v) { return v != 0.0; })) {
      arrays->blocked.assign(b, b + n * m);
    }
  }
  if (a.padding) {
    const double* p = a.padding->values.data() + layer * m;
    if (std::any_of(p, p + m, [](double v) { return v != 0.0; })) arrays->padded.assign(p, p + m);
  }
  if (a.bias) {
    const double* s = slice(*a.bias, layer, head, n, m);
    if (std::any_of(s, s + n * m, [](double v) { return v != 0.0; })) arrays->bias.assign(s, s + n * m);
  }
  if (!arrays->empty()) out.arrays = std::move(arrays);
  return out;
}

// Indices of the rows flagged 1 in row `layer` of a [L, count] member.
std::vector<Index> flagged(const NdArray& a, Index layer) {
  std::vector<Index> rows;
  const Index count = a.shape[1];
  for (Index i = 0; i < count; ++i) {
    if (a.values[static_cast<std::size_t>(layer * count + i)] != 0.0) rows.push_back(i);
  }
  return rows;
}

std::string row_list(const std::vector<Index>& rows) {
  std::string text;
  for (std::size_t k = 0; k < rows.size() && k < 8; ++k) text += (k ? ", " : "") + std::to_string(rows[k]);
  if (rows.size() > 8) text += ", ... (" + std::to_string(rows.size()) + " in all)";
  return text;
}

void read_replaced(const NpzArchive& archive, const std::string& prefix, ModelFile& model) {
  const Index layers = model.layers(), n = model.query_count(), m = model.key_count();
  const auto q = flags(archive, model, prefix + "q_replaced", {{layers, n}}, true);
  const auto k = flags(archive, model, prefix + "k_replaced", {{layers, m}}, true);
  for (Index l = 0; l < layers; ++l) {
    model.queries_replaced.push_back(q ? flagged(*q, l) : std::vector<Index>{});
    model.keys_replaced.push_back(k ? flagged(*k, l) : std::vector<Index>{});
    const std::string layer = layers > 1 ? "layer " + std::to_string(l) + ": " : "";
    if (!model.queries_replaced.back().empty()) {
      model.notices.push_back(model.source() + ": " + layer + "query rows " + row_list(model.queries_replaced.back()) +
                              " were NaN in the model (q holds 0 there)");
    }
    if (!model.keys_replaced.back().empty()) {
      model.notices.push_back(model.source() + ": " + layer + "key rows " + row_list(model.keys_replaced.back()) +
                              " were NaN in the model (k and v hold 0 there)");
    }
  }
}

void check_kinds(const std::string& prefix, const ModelFile& model) {
  if (model.mask_kinds.empty()) return;
  if (static_cast<Index>(model.mask_kinds.size()) != model.layers()) {
    throw InputError(model.path + ": '" + prefix + "mask_kind' has " + std::to_string(model.mask_kinds.size()) +
                     " entries for " + std::to_string(model.layers()) + " layers");
  }
  for (std::size_t l = 0; l < model.mask_kinds.size(); ++l) {
    const std::string& kind = model.mask_kinds[l];
    if (std::find(std::begin(kMaskKinds), std::end(kMaskKinds), kind) == std::end(kMaskKinds)) {
      throw InputError(model.path + ": '" + prefix + "mask_kind' entry " + std::to_string(l) + " is '" +
                       printable(kind) + "' (none, causal, padding, causal+padding or other)");
    }
  }
}

}  // namespace

void read_model_masks(const NpzArchive& archive, const std::string& prefix, ModelFile& model) {
  check_kinds(prefix, model);
  const Index layers = model.layers(), heads = model.heads(), n = model.query_count(), m = model.key_count();
  MaskMembers members;
  members.blocked = flags(archive, model, prefix + "blocked", {{layers, n, m}, {layers, heads, n, m}}, true);
  members.padding = flags(archive, model, prefix + "key_padding", {{layers, m}}, true);
  members.bias = flags(archive, model, prefix + "attn_bias", {{layers, n, m}, {layers, heads, n, m}}, false);
  const bool per_head =
      (members.blocked && members.blocked->rank() == 4) || (members.bias && members.bias->rank() == 4);
  model.mask_heads = per_head ? heads : 1;
  model.head_masks.clear();
  for (Index l = 0; l < layers; ++l) {
    for (Index h = 0; h < model.mask_heads; ++h) model.head_masks.push_back(head_mask(members, model, l, h));
  }
  read_replaced(archive, prefix, model);
}

}  // namespace attn::detail
