// A language model's run saved as a model file in the format of tools/export_attention.py (format
// '2'), so the model view and every command read it like an exported PyTorch model.
#pragma once

#include <string>
#include <vector>

#include "attn/lm/forward.hpp"

namespace attn {

// Writes q, k, v [L, H, n, d_head], the run's own weights [L, H, n, n] (NaN rows where undefined),
// tokens [n], layer_names, role, the masks (blocked: the causal pattern) and, when the run added a
// shift M to every score, attn_bias = M at every allowed entry (mask_kind 'other'), so recomputing
// s = q.k / sqrt(d) + attn_bias gives the run's scores. Numbers as T (float32 or float64), the
// precision named. Needs a run with its heads recorded. Written atomically.
template <class T>
void write_lm_run_file(const std::string& path, const LmRun<T>& run, const std::vector<std::string>& tokens,
                       const LmRunOptions& options);

}  // namespace attn
