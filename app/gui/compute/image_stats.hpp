// The numbers a heatmap's colour range is built from, computed once per matrix (in the compute
// job for weights, so the UI thread never scans a large matrix when results arrive).
#pragma once

#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace ax {

struct ImageStats {
  // Over defined rows (all keys, and without key 0 for the attention-sink option):
  float max_all = 0.0f;
  float max_without_first = 0.0f;
  float min_positive = 0.0f;  // smallest value > 0 (log scale), 0 when none
  float max_abs = 0.0f;       // for signed differences
  int undefined_rows = 0;
};

// `rows`: status of each row; rows that are not Defined are skipped and counted.
ImageStats image_stats(const attn::MatF& values, const std::vector<attn::RowStatus>& rows);

// The statistics of |a - b| over the rows defined in both (the others counted as undefined),
// without making the difference matrix: the compute job takes them for the difference views, so
// the UI thread never builds an n x m difference to find a colour range. A signed difference's
// range (its largest magnitude) reads the same statistics.
ImageStats difference_stats(const attn::Weights<float>& a, const attn::Weights<float>& b);

}  // namespace ax
