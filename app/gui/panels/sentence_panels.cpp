// The sentence mode's panels: the sentence and its model (in the data panel), the next-token
// predictions clean and perturbed, and the robustness chart of every trained model.
#include "panels/sentence_panels.hpp"

#include <algorithm>
#include <cstdio>

#include "compute/sentence_loading.hpp"
#include "imgui.h"
#include "imgui_stdlib.h"
#include "widgets/palette.hpp"

namespace ax {
namespace {

// One prediction row: the token, its probability as text and as a bar.
void probability_cell(const attn::NextToken& t, ImU32 colour) {
  ImGui::TextUnformatted(t.token.c_str());
  ImGui::TableNextColumn();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, height = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + width * static_cast<float>(t.probability), at.y + height),
                                            (colour & 0x00FFFFFFu) | 0x70000000u);
  ImGui::Text("%.1f%%", 100.0 * t.probability);
}

std::string perturbation_label(const attn::LmPerturbation& p) {
  char text[160];
  std::snprintf(text, sizeof text, "M = %.3g", p.shift);
  std::string out = text;
  if (p.has_noise()) {
    std::snprintf(text, sizeof text, ", s_g = %.3g, s_l = %.3g", p.global_rms, p.local_rms);
    out += text;
  }
  return out;
}

void prediction_table(const Predictions& p) {
  if (!ImGui::BeginTable("predictions", 5, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_BordersInnerV)) return;
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("clean");
  ImGui::TableSetupColumn("p", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn(perturbation_label(p.perturbation).c_str());
  ImGui::TableSetupColumn("p ", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableHeadersRow();
  for (std::size_t k = 0; k < std::max(p.clean.size(), p.perturbed.size()); ++k) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", k + 1);
    ImGui::TableNextColumn();
    if (k < p.clean.size()) probability_cell(p.clean[k], widgets::kCleanColour);
    ImGui::TableNextColumn();
    if (k < p.perturbed.size()) probability_cell(p.perturbed[k], widgets::kPerturbedColour);
  }
  ImGui::EndTable();
}

}  // namespace

void draw_sentence_controls(UiContext& ctx) {
  DataSettings& d = ctx.state.data;
  std::string& text = ctx.scratch.sentence;
  if (!ctx.scratch.editing_sentence) text = d.sentence;
  ImGui::TextDisabled("type a sentence, then Enter (Ctrl+Enter: a new line)");
  const bool entered =
      ImGui::InputTextMultiline("##sentence", &text, ImVec2(-1.0f, ImGui::GetTextLineHeight() * 3.6f),
                                ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CtrlEnterForNewLine);
  record_layout(ctx, "sentence_text");
  ctx.scratch.editing_sentence = ImGui::IsItemActive();
  if (entered || ImGui::IsItemDeactivatedAfterEdit()) d.sentence = text;

  const auto& choices = ctx.app.sentence().model_choices();
  std::string current = d.language_model;
  for (const auto& c : choices) {
    if (c.name == d.language_model) current = c.name + ": " + c.label;
  }
  if (ImGui::BeginCombo("model", current.c_str())) {
    for (const auto& c : choices) {
      if (ImGui::Selectable((c.name + ": " + c.label).c_str(), c.name == d.language_model)) d.language_model = c.name;
    }
    ImGui::EndCombo();
  }
  record_layout(ctx, "sentence_model");
  const char* methods[] = {"its own F", "exp", "relu", "softplus", "sigmoid", "power:2", "linear", "sparsemax"};
  int method = 0;
  for (int k = 1; k < 8; ++k) {
    if (d.language_model_method == methods[k]) method = k;
  }
  if (ImGui::Combo("F in every head", &method, methods, 8))
    d.language_model_method = method == 0 ? "" : methods[method];
  if (ctx.data && ctx.data->model) {
    ImGui::InputInt("layer", &d.layer);
    ImGui::InputInt("head", &d.head);
    d.layer = std::clamp(d.layer, 0, static_cast<int>(ctx.data->model->layers) - 1);
    d.head = std::clamp(d.head, 0, static_cast<int>(ctx.data->model->heads) - 1);
  }
}

void draw_predictions_panel(UiContext& ctx) {
  if (!ctx.data || !ctx.data->sentence) {
    ImGui::TextDisabled("choose the data source 'sentence' to see a language model's predictions");
    return;
  }
  const SentenceInput& s = *ctx.data->sentence;
  const auto p = ctx.app.sentence().predictions();
  const std::string last = s.tokens.empty() ? "" : s.tokens.back();
  ImGui::TextWrapped("Next token after \"... %s\": %s, F = %s in every head", last.c_str(),
                     s.model->description().c_str(),
                     s.method ? s.method->spec().c_str() : s.model->config.method_spec.c_str());
  if (!p) {
    const std::string error = ctx.app.sentence().prediction_error();
    ImGui::TextDisabled("%s", error.empty() ? "computing the predictions..." : error.c_str());
    return;
  }
  prediction_table(*p);
  record_layout(ctx, "predictions");
  const bool same = same_ranking(*p);
  ImGui::PushStyleColor(ImGuiCol_Text, same ? widgets::kUnchangedColour : widgets::kChangedColour);
  ImGui::TextWrapped("%s; total variation between the two next-token distributions %.2g (largest |dp| %.2g)",
                     same ? "the same five tokens in the same order" : "the ranking changed", p->total_variation,
                     p->max_abs_difference);
  ImGui::PopStyleColor();
  ImGui::PushTextWrapPos(0.0f);
  if (p->undefined_clean > 0 || p->undefined_perturbed > 0) {
    ImGui::TextDisabled("undefined rows (every F zero; the head gives 0 there): %ld clean, %ld perturbed of %ld",
                        static_cast<long>(p->undefined_clean), static_cast<long>(p->undefined_perturbed),
                        static_cast<long>(p->rows));
  }
  ImGui::TextDisabled(
      "Inside the model: M is added to every score of every head; the shared noise g (s_g) and local noise l_t (s_l) "
      "of the noise panel go onto every token's embedding (seed %llu, draw %llu). The heatmaps recompute one head from "
      "its clean Q and K with the noise panel's perturbation applied to that head's scores and vectors, not from the "
      "model's noisy run.",
      static_cast<unsigned long long>(ctx.state.noise.seed), static_cast<unsigned long long>(ctx.state.noise.draw));
  ImGui::PopTextWrapPos();
}

}  // namespace ax
