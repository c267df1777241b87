// Row inspector: for the selected query and method, the scores, F(s), the weights clean and
// perturbed, the row's entropy, effective support and exact zeros, and the column sums of W. At
// streaming size the row is computed from the vectors by the controller (never from a matrix).
#include "panels/row_inspector.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "compute/compute_request.hpp"
#include "compute/row_inspection.hpp"
#include "imgui.h"
#include "panels/method_colours.hpp"
#include "widgets/bar_chart.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

void summary_line(const char* label, const attn::RowSummary& s, attn::RowStatus status) {
  if (status != attn::RowStatus::Defined) {
    ImGui::TextWrapped("%s: undefined (%s)", label, std::string(attn::row_status_name(status)).c_str());
    return;
  }
  ImGui::TextWrapped("%s: entropy %.3f nats, effective support %.2f keys, %ld exact zeros, max weight %.3g", label,
                     s.entropy, s.effective_support, static_cast<long>(s.exact_zeros), s.max_weight);
}

// The method and query pickers; false when there is nothing to pick from.
bool row_pickers(UiContext& ctx, const ComputeResult& r) {
  ViewSettings& v = ctx.state.view;
  if (r.methods.empty()) return false;
  v.selected_method = std::clamp(v.selected_method, 0, static_cast<int>(r.methods.size()) - 1);
  v.selected_row = std::clamp(v.selected_row, 0, static_cast<int>(r.queries) - 1);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.42f);
  if (ImGui::BeginCombo("##method", r.methods[static_cast<std::size_t>(v.selected_method)].spec.c_str())) {
    for (std::size_t k = 0; k < r.methods.size(); ++k) {
      if (ImGui::Selectable(r.methods[k].spec.c_str(), static_cast<int>(k) == v.selected_method)) {
        v.selected_method = static_cast<int>(k);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextUnformatted("query");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  ImGui::InputInt("##query", &v.selected_row);
  v.selected_row = std::clamp(v.selected_row, 0, static_cast<int>(r.queries) - 1);
  return true;
}

// The row's scores, F(s), weights and summaries, then the column sums of W (when known).
void row_charts(UiContext& ctx, const ComputeResult& r, const RowInspection& row, std::span<const double> clean_sums,
                std::span<const double> perturbed_sums, const char* sums_note) {
  const ViewSettings& v = ctx.state.view;
  const auto& labels = r.data->key_labels;
  const std::vector<bool> masked = masked_keys(ctx.state.attention, *r.data, v.selected_row, r.keys);
  const float width = ImGui::GetContentRegionAvail().x;
  const int charts = 2 + (row.scores_clean.empty() ? 0 : 1) + (row.f_clean.empty() ? 0 : 1);
  const float height =
      std::max(70.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 4.4f) /
                          static_cast<float>(charts));
  widgets::BarOptions options;
  options.labels = labels;
  options.highlight = r.queries == r.keys ? v.selected_row : -1;
  options.masked = masked;

  if (!row.scores_clean.empty()) {
    std::vector<widgets::BarSeries> scores = {{"s clean", row.scores_clean, widgets::kCleanColour},
                                              {"s perturbed", row.scores_perturbed, widgets::kPerturbedColour}};
    options.title = "scores s_ij (clean, perturbed)";
    widgets::BarChart("scores", ImVec2(width, height), scores, options);
  }
  if (!row.f_clean.empty()) {
    std::vector<widgets::BarSeries> f = {
        {"F(s) clean", row.f_clean, result_method_colour(ctx, static_cast<std::size_t>(v.selected_method))}};
    options.title = "F(s_ij) of the clean scores (w = F / sum F)";
    widgets::BarChart("f", ImVec2(width, height), f, options);
  }
  // Loaded weight matrices have no perturbed version: one series only.
  std::vector<widgets::BarSeries> weights = {{"w clean", row.weights_clean, widgets::kCleanColour}};
  if (!r.weights_only) weights.push_back({"w perturbed", row.weights_perturbed, widgets::kPerturbedColour});
  options.title = r.weights_only ? "weights w_ij (as loaded)" : "weights w_ij (clean, perturbed)";
  widgets::BarChart("weights", ImVec2(width, height), weights, options);
  summary_line("clean", row.summary_clean, row.status_clean);
  if (!r.weights_only) summary_line("perturbed", row.summary_perturbed, row.status_perturbed);
  std::vector<widgets::BarSeries> sums;
  if (!clean_sums.empty()) sums.push_back({"clean", clean_sums, widgets::kCleanColour});
  if (!r.weights_only && !perturbed_sums.empty())
    sums.push_back({"perturbed", perturbed_sums, widgets::kPerturbedColour});
  if (sums.empty()) {
    ImGui::TextDisabled("%s", sums_note);
    return;
  }
  widgets::BarOptions sum_options;
  sum_options.labels = labels;
  sum_options.title = "column sums of W: attention each key receives";
  widgets::BarChart("columns", ImVec2(width, height), sums, sum_options);
  if (*sums_note) ImGui::TextDisabled("%s", sums_note);
}

// Streaming: the row from the vectors (the matrix is never held), the column sums from the
// heatmap pass of the modes on screen.
void streamed_row_inspector(UiContext& ctx, const ComputeResult& r) {
  if (!row_pickers(ctx, r)) return;
  const auto row = ctx.app.streamed_row();
  if (!row) {
    const std::string error = ctx.app.streamed_row_error();
    if (!error.empty()) {
      ImGui::TextWrapped("row %d is not shown: %s", ctx.state.view.selected_row, error.c_str());
    } else {
      ImGui::TextDisabled("computing row %d from the vectors (%ld keys)...", ctx.state.view.selected_row,
                          static_cast<long>(r.keys));
    }
    return;
  }
  if (!row->valid) {
    ImGui::TextDisabled("this method has an error");
    return;
  }
  const auto k = static_cast<std::size_t>(ctx.state.view.selected_method);
  const auto clean = ctx.app.pictures().overviews().whole_column_sums(r.generation, {k, HeatmapMode::Clean});
  const auto perturbed = ctx.app.pictures().overviews().whole_column_sums(r.generation, {k, HeatmapMode::Perturbed});
  const char* note = clean && perturbed ? ""
                     : clean || perturbed
                         ? "(column sums of the weights on screen; show the other mode to add its sums)"
                         : "column sums come with the whole heatmap's pass (show clean or perturbed weights)";
  row_charts(ctx, r, *row, clean ? std::span<const double>(*clean) : std::span<const double>(),
             perturbed ? std::span<const double>(*perturbed) : std::span<const double>(), note);
}

}  // namespace

void draw_row_inspector(UiContext& ctx) {
  if (!ctx.result) {
    ImGui::TextUnformatted(computing_text(ctx).c_str());
    return;
  }
  const ComputeResult& r = *ctx.result;
  if (r.path == ComputePath::Streaming) return streamed_row_inspector(ctx, r);
  if (!row_pickers(ctx, r)) return;
  const ViewSettings& v = ctx.state.view;
  const RowInspection row = inspect_row(r, static_cast<std::size_t>(v.selected_method), v.selected_row);
  if (!row.valid) {
    ImGui::TextDisabled("this method has an error");
    return;
  }
  const MethodResult& m = r.methods[static_cast<std::size_t>(v.selected_method)];
  const std::vector<double> clean_sums(m.column_sums_clean.data(),
                                       m.column_sums_clean.data() + m.column_sums_clean.size());
  const std::vector<double> perturbed_sums(m.column_sums_perturbed.data(),
                                           m.column_sums_perturbed.data() + m.column_sums_perturbed.size());
  row_charts(ctx, r, row, clean_sums, perturbed_sums, "");
}

}  // namespace ax
