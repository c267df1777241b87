#include "panels/heatmap_readout.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "imgui.h"

namespace ax {

void cell_readout(const UiContext& ctx, const MethodResult& r, int i, int j) {
  const auto& data = *ctx.result->data;
  ImGui::BeginTooltip();
  const bool labelled =
      static_cast<std::size_t>(i) < data.query_labels.size() && static_cast<std::size_t>(j) < data.key_labels.size();
  if (labelled) {
    ImGui::Text("query %d '%s'  ->  key %d '%s'", i, data.query_labels[static_cast<std::size_t>(i)].c_str(), j,
                data.key_labels[static_cast<std::size_t>(j)].c_str());
  } else {
    ImGui::Text("query i = %d, key j = %d", i, j);
  }
  if (!ctx.result->weights_only) {
    const float clean_score = ctx.result->scores_clean(i, j), perturbed_score = ctx.result->scores_perturbed(i, j);
    // The engine never scores a masked key: its score is -inf, named as what it is.
    if (ctx.state.attention.mask == "causal" && j > i && !std::isfinite(clean_score)) {
      ImGui::TextUnformatted("s_ij  masked key (not scored)");
    } else {
      ImGui::Text("s_ij  clean %.5g   perturbed %.5g", clean_score, perturbed_score);
    }
  }
  auto weight = [](const attn::Weights<float>& w, int row, int col, char* out, std::size_t size) {
    if (!w.defined(row)) {
      std::snprintf(out, size, "undefined (%s)",
                    std::string(attn::row_status_name(w.rows[static_cast<std::size_t>(row)])).c_str());
    } else {
      std::snprintf(out, size, "%.6g", static_cast<double>(w.matrix(row, col)));
    }
  };
  char clean[96], perturbed[96];
  weight(r.clean, i, j, clean, sizeof clean);
  weight(r.perturbed, i, j, perturbed, sizeof perturbed);
  ImGui::Text("w_ij  clean %s", clean);
  if (!ctx.result->weights_only) {
    ImGui::Text("      perturbed %s", perturbed);
    if (r.clean.defined(i) && r.perturbed.defined(i)) {
      ImGui::Text("      |difference| %.3g",
                  std::abs(static_cast<double>(r.perturbed.matrix(i, j) - r.clean.matrix(i, j))));
    }
  }
  ImGui::TextDisabled("click: inspect this row");
  ImGui::EndTooltip();
}

void pixel_readout(UiContext& ctx, const MethodResult& r, const attn::Overview& o, attn::Index pr, attn::Index pc,
                   HeatmapMode mode) {
  const auto& data = *ctx.result->data;
  const auto [i0, i1] = o.block_rows(pr);
  const auto [j0, j1] = o.block_cols(pc);
  const attn::Index p = o.pixel(pr, pc);
  const auto name = [](const std::vector<std::string>& labels, attn::Index k) {
    return static_cast<std::size_t>(k) < labels.size() ? " '" + labels[static_cast<std::size_t>(k)] + "'"
                                                       : std::string();
  };
  const bool difference = mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
  const char* value = mode == HeatmapMode::SignedDifference ? "largest |difference| (signed)"
                      : difference                          ? "max |difference|"
                                                            : "max w";
  char text[512];
  int used = std::snprintf(text, sizeof text,
                           "%s  (%s)\nrows %ld..%ld, keys %ld..%ld  (%ld x %ld cells in this pixel)\n", r.spec.c_str(),
                           mode == HeatmapMode::Clean       ? "clean"
                           : mode == HeatmapMode::Perturbed ? "perturbed"
                                                            : "difference",
                           static_cast<long>(i0), static_cast<long>(i1 - 1), static_cast<long>(j0),
                           static_cast<long>(j1 - 1), static_cast<long>(i1 - i0), static_cast<long>(j1 - j0));
  if (o.peak_row[static_cast<std::size_t>(p)] < 0) {
    std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used), "every row of this block is undefined");
  } else {
    const attn::Index pi = o.peak_row[static_cast<std::size_t>(p)], pj = o.peak_col[static_cast<std::size_t>(p)];
    used += std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used),
                          "%s %.6g at query %ld%s, key %ld%s\nmean %.6g", value,
                          static_cast<double>(o.peak[static_cast<std::size_t>(p)]), static_cast<long>(pi),
                          name(data.query_labels, pi).c_str(), static_cast<long>(pj), name(data.key_labels, pj).c_str(),
                          static_cast<double>(o.mean[static_cast<std::size_t>(p)]));
    const auto undefined = o.undefined[static_cast<std::size_t>(p)];
    if (undefined > 0) {
      std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used),
                    "\n%ld cells in undefined rows (left out)", static_cast<long>(undefined));
    }
  }
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(text);
  ImGui::TextDisabled(
      "click: inspect query %ld",
      static_cast<long>(o.peak_row[static_cast<std::size_t>(p)] >= 0 ? o.peak_row[static_cast<std::size_t>(p)] : i0));
  ImGui::EndTooltip();
  ctx.scratch.drawn.hover_text = text;
}

}  // namespace ax
