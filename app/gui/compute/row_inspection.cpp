#include "compute/row_inspection.hpp"

#include "attn/kernels/functions.hpp"

namespace ax {
namespace {

std::vector<double> row_of(const attn::MatF& m, int row) {
  std::vector<double> out(static_cast<std::size_t>(m.cols()));
  for (attn::Index j = 0; j < m.cols(); ++j) out[static_cast<std::size_t>(j)] = m(row, j);
  return out;
}

}  // namespace

RowInspection inspect_row(const ComputeResult& result, std::size_t method, int row) {
  RowInspection out;
  if (method >= result.methods.size() || row < 0 || row >= result.queries) return out;
  const MethodResult& r = result.methods[method];
  if (!r.error.empty()) return out;
  out.valid = true;
  out.method = r.spec;
  out.row = row;
  if (!result.weights_only) {
    out.scores_clean = row_of(result.scores_clean, row);
    out.scores_perturbed = row_of(result.scores_perturbed, row);
    if (r.ratio_form) {
      try {
        out.f_clean = attn::evaluate_ratio_function(attn::parse_method(r.spec), out.scores_clean);
      } catch (const std::exception&) {
        out.f_clean.clear();
      }
    }
  }
  out.weights_clean = row_of(r.clean.matrix, row);
  out.weights_perturbed = row_of(r.perturbed.matrix, row);
  out.status_clean = r.clean.rows[static_cast<std::size_t>(row)];
  out.status_perturbed = r.perturbed.rows[static_cast<std::size_t>(row)];
  out.summary_clean = attn::summarize_row(r.clean, row);
  out.summary_perturbed = attn::summarize_row(r.perturbed, row);
  return out;
}

}  // namespace ax
