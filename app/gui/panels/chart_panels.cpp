// The two charts: deviation of W(M) from W(0) against the constant shift M (log-log), and each
// method's F(z) over the range of the current scores with the scores' histogram behind.
#include "panels/chart_panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "figures/chart_labels.hpp"
#include "imgui.h"
#include "panels/heatmap_grid.hpp"
#include "panels/method_colours.hpp"
#include "panels/robustness_chart.hpp"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"
#include "widgets/plot.hpp"

namespace ax {

void draw_invariance_chart(UiContext& ctx) {
  if (ctx.data && ctx.data->weights_only) {
    ImGui::TextDisabled("shifts need the queries and keys: a file of weights only cannot be shifted");
    return;
  }
  if (!ctx.chart || !ctx.result || ctx.chart->clean_generation != ctx.result->clean_generation) {
    ImGui::TextUnformatted("computing the invariance chart...");
    return;
  }
  const InvarianceChart& chart = *ctx.chart;
  std::vector<widgets::PlotSeries> series;
  for (const auto& curve : chart.curves) {
    widgets::PlotSeries s;
    s.label = invariance_curve_label(curve);  // an undefined method: no line, "undefined" in the legend
    s.x = chart.shifts;
    s.y = curve.max_abs_diff;
    s.colour = result_method_colour(ctx, curve.method_index);
    s.markers = true;
    series.push_back(std::move(s));
  }
  widgets::PlotOptions options;
  options.x_label = "shift M";
  options.y_label = "max |W(M) - W(0)|";
  options.log_x = true;
  options.log_y = true;
  options.log_floor = ctx.result->use_double ? 1e-17 : 1e-9;
  // A fixed range: rounding noise near the floor must not be zoomed into a trend.
  options.y_range = std::make_pair(options.log_floor, 1.0);
  // The M the heatmaps show, on the chart.
  const double shift = ctx.state.noise.shift;
  char marker[64];
  std::snprintf(marker, sizeof marker, shift > 0.0 ? "M = %.3g" : "M = %.3g (off the axis)", shift);
  options.x_marker = shift;
  options.x_marker_label = marker;
  // The notes below the plot, wrapped: the plot takes what they leave.
  char note[160], rows_note[160] = "";
  std::snprintf(note, sizeof note, "%s; exact zeros and values below %.0e are drawn at %.0e. s = alpha * (score + M).",
                ctx.result->use_double ? "float64" : "float32", options.log_floor, options.log_floor);
  if (chart.rows < chart.total_rows) {
    std::snprintf(rows_note, sizeof rows_note,
                  "first %ld of %ld queries (the chart recomputes every method at every M)",
                  static_cast<long>(chart.rows), static_cast<long>(chart.total_rows));
  }
  // Methods without a curve, and what a random-feature curve is.
  std::string methods_note;
  for (const std::string& why : chart.omitted) methods_note += (methods_note.empty() ? "" : " ") + why + ".";
  for (const auto& curve : chart.curves) {
    if (curve.spec.rfind("performer", 0) == 0) {
      methods_note += (methods_note.empty() ? "" : " ") + curve.spec +
                      ": one draw of its features, M entering them as a shared coordinate; invariant only in "
                      "expectation over draws.";
      break;
    }
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  float notes = ImGui::CalcTextSize(note, nullptr, false, avail.x).y + spacing * 2.0f;
  if (*rows_note) notes += ImGui::CalcTextSize(rows_note, nullptr, false, avail.x).y + spacing;
  if (!methods_note.empty()) notes += ImGui::CalcTextSize(methods_note.c_str(), nullptr, false, avail.x).y + spacing;
  widgets::Plot("invariance", ImVec2(avail.x, std::max(120.0f, avail.y - notes)), series, options);
  record_layout(ctx, "invariance_chart");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(note);
  if (*rows_note) ImGui::TextDisabled("%s", rows_note);
  if (!methods_note.empty()) ImGui::TextDisabled("%s", methods_note.c_str());
  ImGui::PopTextWrapPos();
}

void draw_function_chart(UiContext& ctx) {
  if (!ctx.result || ctx.result->weights_only) {
    ImGui::TextDisabled(ctx.result ? "needs vectors: a weight file has no scores" : "computing...");
    return;
  }
  const ComputeResult& r = *ctx.result;
  std::vector<widgets::PlotSeries> series;
  std::string without_f;
  for (std::size_t k = 0; k < r.methods.size(); ++k) {
    const auto& m = r.methods[k];
    if (!m.error.empty() || m.is_reference) continue;
    if (!m.ratio_form || m.curve.z.empty()) {
      without_f += (without_f.empty() ? "" : ", ") + m.spec;
      continue;
    }
    widgets::PlotSeries s;
    s.label = m.spec;
    s.x = m.curve.z;
    s.y = m.curve.f;
    s.colour = result_method_colour(ctx, k);
    series.push_back(std::move(s));
  }
  widgets::PlotBackgroundBars bars;
  bars.x_lo = r.score_histogram.lo;
  bars.x_hi = r.score_histogram.hi;
  bars.heights = r.score_histogram.counts;
  bars.label = "scores s_ij (clean)";
  widgets::PlotOptions options;
  options.x_label = "score s";
  options.y_label = "F(s) / max F";
  options.y_range = std::make_pair(-0.05, 1.05);
  options.background = &bars;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  widgets::Plot("functions", ImVec2(avail.x, std::max(120.0f, avail.y - ImGui::GetTextLineHeightWithSpacing() * 2.2f)),
                series, options);
  ImGui::TextWrapped("Each F scaled to its maximum over the range of the current scores.%s%s",
                     without_f.empty() ? "" : " No F(z) (not of ratio form): ", without_f.c_str());
}

void draw_chart_tabs(UiContext& ctx, const char* id, bool with_heatmaps) {
  if (!ImGui::BeginTabBar(id)) return;
  if (with_heatmaps && ImGui::BeginTabItem("Heatmaps")) {
    draw_heatmap_grid(ctx);
    ImGui::EndTabItem();
  }
  if (ctx.data && ctx.data->sentence && ImGui::BeginTabItem("Robustness")) {
    draw_robustness_chart(ctx);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Invariance")) {
    draw_invariance_chart(ctx);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("F(z)")) {
    draw_function_chart(ctx);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace ax
