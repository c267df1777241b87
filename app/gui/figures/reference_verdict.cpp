#include "figures/reference_verdict.hpp"

#include <cstdio>

namespace ax {
namespace {

std::string gap_text(const attn::Deviation& d) {
  char text[96];
  std::snprintf(text, sizeof text, "max |dW| = %.3g over %ld rows", d.max_abs_diff, static_cast<long>(d.compared_rows));
  return text;
}

}  // namespace

double rounding_bound(const std::string& precision) {
  if (precision == "bfloat16") return 0.1;
  if (precision == "float16") return 0.02;
  return 1e-5;
}

ReferenceVerdict reference_verdict(const ComputeResult& result, const std::string& mask_setting) {
  ReferenceVerdict v;
  const attn::Deviation& d = result.own_f_vs_reference;
  const LoadedData* data = result.data.get();
  const ModelGrid* model = data ? data->model.get() : nullptr;
  const std::string precision = model ? model->precision : "float32";
  const std::string& f = result.own_f;
  const std::string against =
      f +
      " (the model's F) recomputed from this head's q and k with the current score, alpha and mask, "
      "against the model's own weights: " +
      gap_text(d);
  if (model && model->dropout_applied) {
    v.match = ReferenceMatch::AfterDropout;
    v.label = "after dropout";
    v.detail =
        "the model ran in training mode: its weights are after dropout (rows need not sum to 1), so no "
        "recomputation equals them.\n" +
        against;
    return v;
  }
  if (d.compared_rows == 0) {
    v.label = "no rows to compare";
    v.detail = "no row is defined both in the model's weights and in " + f +
               " recomputed (every key masked, or NaN in "
               "the model)";
    return v;
  }
  if (d.max_abs_diff <= 1e-5) {
    v.match = ReferenceMatch::Matches;
    v.label = f + " matches";
    v.detail = against;
    return v;
  }
  if (d.max_abs_diff <= rounding_bound(precision)) {
    v.match = ReferenceMatch::WithinRounding;
    v.label = f + " matches to " + precision + " rounding";
    v.detail = against + "\nthe model computed in " + precision +
               ": its rounding is the likely cause of a gap this "
               "size (up to about " +
               (precision == "bfloat16" ? std::string("0.1") : std::string("0.02")) + ")";
    return v;
  }
  v.match = ReferenceMatch::Differs;
  v.label = f + " differs";
  std::string hint = "check the score and alpha: the model's are scaled-dot and alpha 1";
  if (model && model->has_masks && mask_setting != "model") {
    hint = "the model's own masks are not applied: choose mask 'model' (attention panel)";
  }
  v.detail = against + "\n(" + hint + ")";
  return v;
}

}  // namespace ax
