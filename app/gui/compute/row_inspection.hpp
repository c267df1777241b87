// Everything the row inspector shows about one query under one method.
#pragma once

#include <string>
#include <vector>

#include "attn/experiments/metrics.hpp"
#include "compute/compute_result.hpp"

namespace ax {

struct RowInspection {
  bool valid = false;
  std::string method;
  int row = 0;
  std::vector<double> scores_clean, scores_perturbed;    // empty for weight files
  std::vector<double> f_clean;                           // F(s), ratio forms only
  std::vector<double> weights_clean, weights_perturbed;  // NaN when the row is undefined
  attn::RowStatus status_clean = attn::RowStatus::Defined, status_perturbed = attn::RowStatus::Defined;
  attn::RowSummary summary_clean, summary_perturbed;
};

// Built on demand for the selected row (a few thousand numbers): cheap enough for the UI thread.
RowInspection inspect_row(const ComputeResult& result, std::size_t method, int row);

}  // namespace ax
