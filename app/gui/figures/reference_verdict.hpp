// What the badge of a model's own weights says: does exp, recomputed from the head's q and k with
// the current settings, give the model's weights? It names the likely cause of a gap: dropout (the
// weights are after dropout, no recomputation equals them), the rounding of a bfloat16 or float16
// model, or settings other than the model's (score, alpha, its masks).
#pragma once

#include <string>

#include "compute/compute_result.hpp"

namespace ax {

enum class ReferenceMatch {
  Matches,         // within float32 rounding
  WithinRounding,  // within the rounding of the precision the model computed in (bf16, fp16)
  AfterDropout,    // the model's weights are after dropout: not comparable
  Differs,         // settings other than the model's, most likely
  NoRows,          // no row is defined in both
};

struct ReferenceVerdict {
  ReferenceMatch match = ReferenceMatch::NoRows;
  std::string label;   // "exp matches", "relu differs", "exp matches to bfloat16 rounding", "after dropout", ...
  std::string detail;  // a sentence or two for the tooltip, with max |dW|
  bool agrees() const { return match == ReferenceMatch::Matches || match == ReferenceMatch::WithinRounding; }
};

// Largest gap between exp and a model's weights that the model's precision explains (the
// exporter's own check uses the same bounds): 1e-5 for float32 and float64 models.
double rounding_bound(const std::string& precision);

// The verdict for `result`'s model weights; `mask_setting` is the attention mask in use (none,
// causal or model).
ReferenceVerdict reference_verdict(const ComputeResult& result, const std::string& mask_setting);

}  // namespace ax
