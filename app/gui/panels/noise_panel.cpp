// Noise panel: the perturbations (constant shift, per-row and per-column shifts, scale, noise on
// scores, shared and local vector noise), resampling and animation, and the Monte Carlo study.
#include "panels/noise_panel.hpp"

#include <algorithm>
#include <cstdio>

#include "attn/kernels/scores.hpp"
#include "compute/compute_job.hpp"
#include "figures/noise_text.hpp"
#include "imgui.h"
#include "panels/method_colours.hpp"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"
#include "widgets/wrapped_text.hpp"

namespace ax {
namespace {

bool slider(const char* label, double& value, float lo, float hi, const char* format = "%.3g",
            ImGuiSliderFlags flags = 0) {
  float v = static_cast<float>(value);
  if (!ImGui::SliderFloat(label, &v, lo, hi, format, flags)) return false;
  value = v;
  return true;
}

void study_controls(UiContext& ctx) {
  NoiseSettings& n = ctx.state.noise;
  ImGui::SetNextItemWidth(120.0f);
  ImGui::InputInt("draws", &n.study_draws, 50, 500);
  n.study_draws = std::clamp(n.study_draws, 1, 100000);
  ImGui::SameLine();
  if (ctx.app.study().running()) {
    if (ImGui::Button("Cancel")) ctx.app.cancel_study();
    const auto [done, total] = ctx.app.study().progress();
    char overlay[48];
    std::snprintf(overlay, sizeof overlay, "%d / %d draws", done, total);
    ImGui::ProgressBar(total > 0 ? static_cast<float>(done) / static_cast<float>(total) : 0.0f, ImVec2(-1, 0), overlay);
  } else if (ImGui::Button("Run study")) {
    ctx.app.start_study();
  }
  record_layout(ctx, "study_button");
  if (const std::string status = ctx.app.study().status(); !status.empty()) ImGui::TextDisabled("%s", status.c_str());
  const auto result = ctx.app.study().result();
  if (!result) return;
  ImGui::TextDisabled("%d draws, s_g = %.3g, s_l = %.3g, %s (float64)", result->study.draws, result->noise.global_rms,
                      result->noise.local_rms, result->noise.target.c_str());
  if (ImGui::BeginTable("study", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("method");
    ImGui::TableSetupColumn("row TV (mean ± sd)");
    ImGui::TableSetupColumn("max |dW|");
    ImGui::TableSetupColumn("bias TV");
    ImGui::TableHeadersRow();
    std::vector<std::string> studied;
    for (const auto& r : result->study.rows) studied.push_back(r.method);
    for (std::size_t k = 0; k < result->study.rows.size(); ++k) {
      const auto& r = result->study.rows[k];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(method_colour_of(studied, k)), "%s", r.method.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3g ± %.2g", r.mean_tv.mean, r.mean_tv.stddev);
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", r.max_abs_diff.mean);
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", r.bias_tv);
    }
    ImGui::EndTable();
  }
  ImGui::TextWrapped("bias TV: distance between the average perturbed weights and the clean weights.");
}

}  // namespace

void draw_noise_panel(UiContext& ctx) {
  if (ctx.data && ctx.data->weights_only) {
    ImGui::TextWrapped(
        "Weights only: shifts and noise need the queries and keys (a model file with q and k, "
        "e.g. from tools/export_attention.py).");
    record_layout(ctx, "shifts_need_vectors");
    return;
  }
  NoiseSettings& n = ctx.state.noise;
  ImGui::TextWrapped("s = alpha (lambda score + M + r_i + c_j + noise)");
  slider("shift M", n.shift, -10.0f, 10.0f, "%.3f");
  record_layout(ctx, "shift_slider");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the same constant added to every score (Ctrl+click to type)");
  slider("scale lambda", n.scale, 0.1f, 4.0f, "%.3f", ImGuiSliderFlags_Logarithmic);
  slider("row shifts r_i", n.row_shift_rms, 0.0f, 5.0f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("rms of r_i ~ N(0, rms^2): one shift per query (row)");
  slider("column shifts c_j", n.column_shift_rms, 0.0f, 5.0f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("rms of c_j ~ N(0, rms^2): one shift per key (column)");
  slider("score noise", n.score_noise_rms, 0.0f, 2.0f);
  ImGui::Separator();
  ImGui::TextWrapped("vector noise x~_i = x_i + g + l_i (g shared by all vectors)");
  slider("shared g: s_g", n.global_rms, 0.0f, 3.0f);
  record_layout(ctx, "global_slider");
  slider("local l_i: s_l", n.local_rms, 0.0f, 3.0f);
  const char* targets[] = {"queries", "keys", "both"};
  int target = static_cast<int>(std::find(std::begin(targets), std::end(targets), n.target) - std::begin(targets));
  if (target > 2) target = 2;
  if (ImGui::Combo("noisy", &target, targets, 3)) n.target = targets[target];
  if (ctx.result && ctx.data) {
    // The shift for the noise's target, with the diagonal's own term in self-attention.
    const std::string text = expected_shift_text(ctx.result->expected_shift, n, ctx.state.attention.score,
                                                 !ctx.data->keys.has_value(), ctx.state.data.centre);
    if (!text.empty()) widgets::WrappedText(text);
    record_layout(ctx, "expected_shift");
  }
  if (ImGui::Button("Resample")) ++n.draw;
  ImGui::SameLine();
  ImGui::Checkbox("animate", &n.animate);
  ImGui::SameLine();
  ImGui::TextDisabled("draw %llu", static_cast<unsigned long long>(n.draw));
  if (n.animate) ImGui::SliderInt("frames per draw", &n.animate_frames, 1, 120);
  if (ImGui::Button("No perturbation")) ctx.app.command(Command::ResetPerturbations);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every perturbation off (key R)");
  ImGui::Separator();
  ImGui::TextUnformatted("Monte Carlo study of the vector noise");
  study_controls(ctx);
}

}  // namespace ax
