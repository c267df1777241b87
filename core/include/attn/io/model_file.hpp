// One exported model run (tools/export_attention.py, or numpy.savez by hand): an NPZ archive with
// per-layer, per-head queries `q`, keys `k`, values `v`, the model's own `weights`, `tokens`,
// `layer_names` and `mask` ('none', 'causal' or 'other': the mask the model applied). Every numeric array has the same leading axes: none, [H] or [L, H].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"

namespace attn {

struct ModelFile {
  std::string path;
  std::vector<Index> stack_shape;        // leading axes: {} (one matrix), {H} or {L, H}
  std::optional<NdArray> queries;        // q: [..., n, d]
  std::optional<NdArray> keys;           // k: [..., m, d]
  std::optional<NdArray> values;         // v: [..., m, e]
  std::optional<NdArray> weights;        // weights: [..., n, m]; NaN rows are undefined rows
  std::vector<std::string> tokens;       // n labels (or n + m: queries' then keys')
  std::vector<std::string> layer_names;  // one per layer, when given
  std::string mask = "none";             // none, causal, or other (a mask the engine cannot apply)
  std::vector<std::string> unknown;      // names in the archive this program does not use
  std::vector<std::string> notices;      // sentences for the user (unknown names, keys = queries)

  Index layers() const { return stack_shape.size() == 2 ? stack_shape[0] : 1; }
  Index heads() const { return stack_shape.empty() ? 1 : stack_shape.back(); }
  // Matrix [layer, head] of one of the arrays above (layer 0 and head 0 for smaller stacks).
  MatD matrix(const NdArray& array, Index layer, Index head) const;
  // "layer 2 (encoder.1), head 3": for titles; the layer part is left out of 3-D files.
  std::string head_name(Index layer, Index head) const;
};

// Reads and checks a model archive: at least `weights` or `q`; every shape agrees (leading axes,
// n, m, d, tokens, layer names); q and k are finite. Without `k`, the queries serve as keys and a
// notice says so. Throws InputError naming the archive, the array and the mismatch.
ModelFile read_model_file(const std::string& path);

// True when `path` is an .npz archive (not ARCHIVE.npz:NAME, which names one array).
bool is_model_file_path(const std::string& path);

}  // namespace attn
