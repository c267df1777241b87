// One exported model run (tools/export_attention.py, or numpy.savez by hand): an NPZ archive with
// per-layer, per-head queries `q`, keys `k`, values `v`, the model's own `weights`, `tokens`,
// `layer_names` and the masks the model applied. Every numeric array of a model has the same
// leading axes: none, [H] or [L, H].
//
// Format 1 has one word for the mask ('none', 'causal' or 'other'). Format 2 (export_format '2',
// the README's "The model file") adds the masks as arrays (`blocked`, `key_padding`, `attn_bias`),
// per-layer `mask_kind` labels, `key_tokens`, `role`, the file's `precision` and `dropout_applied`,
// rows that were NaN in the model (`q_replaced`, `k_replaced`), and groups: a file of self- and
// cross-attention keeps each kind under a prefix ("encoder/q", "cross/q", ...).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attn/base/mask_arrays.hpp"
#include "attn/io/ndarray.hpp"

namespace attn {

// The mask one head ran with, as the engine applies it: the causal rule (key j > query i blocked)
// or none, and, for what no rule says, the model's arrays (blocked entries, padded keys, a bias).
struct HeadMask {
  bool causal = false;
  std::shared_ptr<const MaskArrays> arrays;  // null: the rule alone

  bool is_none() const { return !causal && !arrays; }
};

struct ModelFile {
  std::string path;
  std::string format = "1";                          // export_format: "1" or "2"
  std::vector<std::string> groups;                   // the file's groups (empty: a file without groups)
  std::string group;                                 // the group read ("" for a file without groups)
  std::vector<Index> stack_shape;                    // leading axes: {} (one matrix), {H} or {L, H}
  std::optional<NdArray> queries;                    // q: [..., n, d]
  std::optional<NdArray> keys;                       // k: [..., m, d]
  std::optional<NdArray> values;                     // v: [..., m, e]
  std::optional<NdArray> weights;                    // weights: [..., n, m]; NaN rows are undefined rows
  std::vector<std::string> tokens;                   // n labels (format 1 also allows n + m: queries' then keys')
  std::vector<std::string> key_tokens;               // m labels when the keys are another sequence; else empty
  std::vector<std::string> layer_names;              // one per layer, when given
  std::string role = "self";                         // self or cross
  std::string mask = "none";                         // format 1's word: none, causal, or other
  std::vector<std::string> mask_kinds;               // per layer: none, causal, padding, causal+padding, other
  std::vector<HeadMask> head_masks;                  // one per layer (mask_heads == 1) or per layer and head
  Index mask_heads = 1;                              // 1 when every head of a layer has the same mask
  std::string precision = "float32";                 // float64, float32, bfloat16 or float16 (format 1: float32)
  bool dropout_applied = false;                      // the weights are after dropout: rows need not sum to 1
  std::vector<std::string> src_tokens;               // the source sequence of an encoder-decoder, when given
  std::vector<std::string> tgt_tokens;               // ... and its target
  std::vector<std::vector<Index>> queries_replaced;  // per layer: query rows that were NaN in the model
  std::vector<std::vector<Index>> keys_replaced;     // per layer: key rows that were NaN in the model
  std::vector<std::string> unknown;                  // names in the archive this program does not use
  std::vector<std::string> notices;                  // sentences for the user (unknown names, keys = queries)

  Index layers() const { return stack_shape.size() == 2 ? stack_shape[0] : 1; }
  Index heads() const { return stack_shape.empty() ? 1 : stack_shape.back(); }
  Index query_count() const;
  Index key_count() const;
  // Matrix [layer, head] of one of the arrays above (layer 0 and head 0 for smaller stacks).
  MatD matrix(const NdArray& array, Index layer, Index head) const;
  // The mask the model applied in [layer, head] (the rule 'none' when the file records none).
  HeadMask head_mask(Index layer, Index head) const;
  bool has_masks() const;  // some head's mask is not 'none'
  // The column labels: key_tokens, or the tokens when the keys are the queries' sequence.
  std::vector<std::string> column_labels() const;
  // "layer 2 (encoder.1), head 3": for titles; the layer part is left out of 3-D files.
  std::string head_name(Index layer, Index head) const;
  // "run.npz" or "run.npz, group cross": the file as messages name it.
  std::string source() const;
};

// The shapes of a model's numeric arrays (of the group read), from their NPY headers, before any
// data are inflated: what a front end checks against its own limits (how many heads it can show,
// how much memory its views of them take) while refusing costs nothing.
struct ModelShapes {
  std::string path;
  std::optional<std::vector<Index>> queries, keys, values, weights;
  std::uint64_t memory_bytes = 0;  // every member the reader keeps, once read (numbers as doubles)
};
using ModelShapeCheck = std::function<void(const ModelShapes&)>;

// Reads and checks a model archive: at least `weights` or `q`; every shape agrees (leading axes,
// n, m, d, tokens, layer names, masks); q and k are finite; masks hold only 0 and 1, biases are
// finite. Without `k`, the queries serve as keys and a notice says so. `group` picks a group of a
// grouped file ("" picks the first). The members' memory is checked against the budget, then
// `check_shapes` (when given) sees their shapes, before any data are inflated. Throws InputError
// naming the archive, the member and the problem (out of memory too).
ModelFile read_model_file(const std::string& path, const std::string& group = "",
                          const ModelShapeCheck& check_shapes = {});

// The group names of a model archive (empty for a file without groups).
std::vector<std::string> model_file_groups(const std::string& path);

// True when `path` is an .npz archive (not ARCHIVE.npz:NAME, which names one array).
bool is_model_file_path(const std::string& path);

}  // namespace attn
