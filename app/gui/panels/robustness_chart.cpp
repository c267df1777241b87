// The robustness chart: held-out perplexity of every trained language model against the shift M
// and against the shared embedding noise s_g, one line per model, computed in the background.
#include "panels/robustness_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "widgets/palette.hpp"
#include "widgets/plot.hpp"

namespace ax {
namespace {

// The lines of one plot: each model's perplexity at every level (the mean over seeds for noise).
struct Lines {
  std::vector<std::vector<double>> y;
  std::vector<widgets::PlotSeries> series;
};

Lines lines(const RobustnessChart& chart, bool noise) {
  Lines out;
  for (const auto& m : chart.result.models) {
    std::vector<double> y;
    if (noise) {
      for (const auto& seeds : m.by_noise) y.push_back(attn::mean_spread(seeds, &attn::LmScore::perplexity).mean);
    } else {
      for (const auto& s : m.by_shift) y.push_back(s.perplexity);
    }
    out.y.push_back(std::move(y));
  }
  const auto& x = noise ? chart.settings.global_rms : chart.settings.shifts;
  for (std::size_t k = 0; k < out.y.size(); ++k) {
    widgets::PlotSeries s;
    s.label = chart.result.models[k].name;
    s.x = x;
    s.y = out.y[k];
    s.colour = widgets::method_colour(k);
    s.markers = true;
    out.series.push_back(std::move(s));
  }
  return out;
}

void plot(const char* id, const RobustnessChart& chart, bool noise, ImVec2 size, double marker) {
  const Lines l = lines(chart, noise);
  widgets::PlotOptions options;
  options.x_label = noise ? "shared noise s_g on the embeddings (M = 0)" : "shift M of every score (no noise)";
  options.y_label = "held-out perplexity";
  // Perplexities within a factor of 4 (the shift's 40 to 65) on a linear axis fitted to them: on a
  // log axis from 10 to 100 they were a flat bundle in the chart's 80 px at 1280 x 720.
  double lo = 0.0, hi = 0.0;
  for (const auto& y : l.y) {
    for (double v : y) {
      if (!(v > 0.0) || !std::isfinite(v)) continue;
      lo = lo > 0.0 ? std::min(lo, v) : v;
      hi = std::max(hi, v);
    }
  }
  options.log_y = !(lo > 0.0 && hi < 4.0 * lo);
  options.log_floor = 1.0;
  options.x_marker = marker;
  char label[48];
  std::snprintf(label, sizeof label, noise ? "s_g = %.3g" : "M = %.3g", marker);
  options.x_marker_label = label;
  widgets::Plot(id, size, l.series, options);
}

void spread_table(const RobustnessChart& chart) {
  const auto& s = chart.settings;
  if (s.shifts.empty() || s.global_rms.empty()) return;
  char m_head[48], g_head[64];
  std::snprintf(m_head, sizeof m_head, "M = %.3g", s.shifts.back());
  std::snprintf(g_head, sizeof g_head, "s_g = %.3g (mean ± sd)", s.global_rms.back());
  if (!ImGui::BeginTable("robustness", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp)) return;
  for (const char* h :
       {"model", "trained with", "clean", static_cast<const char*>(m_head), static_cast<const char*>(g_head)}) {
    ImGui::TableSetupColumn(h);
  }
  ImGui::TableHeadersRow();
  for (std::size_t k = 0; k < chart.result.models.size(); ++k) {
    const auto& m = chart.result.models[k];
    const attn::MeanSpread noisy = attn::mean_spread(m.by_noise.back(), &attn::LmScore::perplexity);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::method_colour(k)), "%s", m.name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s%s", m.trained_with.c_str(), m.training_noise > 0.0 ? " + noise" : "");
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", m.clean.perplexity);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", m.by_shift.back().perplexity);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f ± %.1f", noisy.mean, noisy.sd);
  }
  ImGui::EndTable();
}

void controls(UiContext& ctx) {
  RobustnessSettings& r = ctx.state.robustness;
  const RobustnessService& service = ctx.app.sentence().robustness();
  ImGui::SetNextItemWidth(110.0f);
  ImGui::InputInt("windows", &r.windows, 32, 128);
  r.windows = std::clamp(r.windows, 1, 569);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90.0f);
  ImGui::InputInt("seeds", &r.seeds, 1, 1);
  r.seeds = std::clamp(r.seeds, 1, 20);
  ImGui::SameLine();
  if (service.running()) {
    if (ImGui::Button("Cancel")) ctx.app.sentence().cancel_robustness();
    const auto [done, total] = service.progress();
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%d / %d held-out windows", done, total);
    ImGui::ProgressBar(total > 0 ? static_cast<float>(done) / static_cast<float>(total) : 0.0f, ImVec2(-1, 0), overlay);
  } else if (ImGui::Button(service.result() ? "Compute again" : "Compute")) {
    ctx.app.start_robustness();
  }
  record_layout(ctx, "robustness_button");
  if (const std::string status = service.status(); !status.empty()) ImGui::TextDisabled("%s", status.c_str());
}

}  // namespace

void draw_robustness_chart(UiContext& ctx) {
  controls(ctx);
  const auto chart = ctx.app.sentence().robustness().result();
  if (!chart) {
    ImGui::TextWrapped(
        "Held-out perplexity of every trained model (each with its own F) against M and against the shared noise s_g, "
        "on the held-out chapters of the text. Compute it: it runs in the background.");
    return;
  }
  const attn::Index windows = chart->result.windows;
  ImGui::TextDisabled("%ld windows of 64 held-out tokens per point; noise: mean over %d seed(s), %.0f s",
                      static_cast<long>(windows), chart->settings.seeds, chart->seconds);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float table = line * static_cast<float>(chart->result.models.size() + 2);
  const float min_plot = 12.0f * line;  // legend, axes and room for the lines
  if (avail.y >= 2.0f * min_plot + table) {
    const float height = (avail.y - table) * 0.5f - ImGui::GetStyle().ItemSpacing.y;
    plot("robustness_shift", *chart, false, ImVec2(avail.x, height), ctx.state.noise.shift);
    record_layout(ctx, "robustness_shift_chart");
    plot("robustness_noise", *chart, true, ImVec2(avail.x, height), ctx.state.noise.global_rms);
    record_layout(ctx, "robustness_noise_chart");
    spread_table(*chart);
    return;
  }
  // Too little room for both (a small window, large type): one plot at a time, the table if it fits.
  bool& noise = ctx.scratch.robustness_against_noise;
  if (ImGui::RadioButton("against M", !noise)) noise = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("against s_g", noise)) noise = true;
  const float rest = ImGui::GetContentRegionAvail().y;
  const bool with_table = rest >= min_plot + table;
  const float height = std::max(min_plot * 0.6f, with_table ? rest - table : rest - ImGui::GetStyle().ItemSpacing.y);
  plot(noise ? "robustness_noise" : "robustness_shift", *chart, noise, ImVec2(avail.x, height),
       noise ? ctx.state.noise.global_rms : ctx.state.noise.shift);
  record_layout(ctx, noise ? "robustness_noise_chart" : "robustness_shift_chart");
  if (with_table) spread_table(*chart);
}

}  // namespace ax
