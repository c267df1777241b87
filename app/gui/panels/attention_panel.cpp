// Attention panel: score, inverse temperature, mask, precision, and the methods compared side by
// side (catalogue entries and typed formulas, with parse errors shown as they are typed).
#include "panels/attention_panel.hpp"

#include <algorithm>

#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/kernels/scores.hpp"
#include "imgui.h"
#include "imgui_stdlib.h"
#include "panels/method_colours.hpp"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

// Parsing a spec is how the panel validates typed text; it computes no attention.
// Parse errors quote the formula and name a position: wrapped at the panel edge, and cut to a
// readable length (a 20,000-character formula's error once drew more vertices than ImGui can).
void wrapped_error(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, widgets::kErrorColour);
  ImGui::TextWrapped("%s", attn::one_line(text).c_str());
  ImGui::PopStyleColor();
}

std::string parse_error(const std::string& spec) {
  try {
    (void)attn::parse_method(spec);
    return {};
  } catch (const attn::UsageError& e) {
    return e.what();
  }
}

void method_list(UiContext& ctx) {
  auto& methods = ctx.state.attention.methods;
  int remove = -1;
  for (std::size_t k = 0; k < methods.size(); ++k) {
    ImGui::PushID(static_cast<int>(k));
    ImGui::ColorButton("##colour", ImGui::ColorConvertU32ToFloat4(method_colour_of(methods, k)),
                       ImGuiColorEditFlags_NoTooltip, ImVec2(12, 12));
    ImGui::SameLine();
    std::string text = methods[k];
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 30.0f);
    if (ImGui::InputText("##spec", &text, ImGuiInputTextFlags_EnterReturnsTrue)) methods[k] = text;
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = static_cast<int>(k);
    const std::string error = parse_error(methods[k]);
    if (!error.empty()) wrapped_error(error);
    ImGui::PopID();
  }
  if (remove >= 0 && methods.size() > 1) methods.erase(methods.begin() + remove);
}

void add_method(UiContext& ctx) {
  auto& methods = ctx.state.attention.methods;
  if (methods.size() >= kMaxMethods) {
    ImGui::TextDisabled("%zu methods at most", kMaxMethods);
    return;
  }
  if (ImGui::BeginCombo("##add", "add a method", ImGuiComboFlags_HeightLarge)) {
    for (const auto& info : attn::method_catalogue()) {
      if (info.kind == attn::MethodKind::Custom) continue;
      const std::string label = std::string(info.example) + "   " + std::string(info.formula);
      if (ImGui::Selectable(label.c_str())) methods.emplace_back(info.example);
    }
    ImGui::EndCombo();
  }
  ImGui::TextUnformatted("typed formula F(z):");
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 50.0f);
  const bool entered = ImGui::InputText("##formula", &ctx.scratch.new_method, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  const bool add = ImGui::Button("add") || entered;
  std::string spec = ctx.scratch.new_method;
  if (spec.rfind("custom:", 0) != 0 && !parse_error(spec).empty()) {
    spec = "custom:" + spec;  // a bare formula such as exp(2*z)
  }
  const std::string error = parse_error(spec);
  if (!error.empty()) {
    wrapped_error(error);
  } else if (add) {
    methods.push_back(spec);
  }
}

}  // namespace

void draw_attention_panel(UiContext& ctx) {
  AttentionSettings& a = ctx.state.attention;
  if (ctx.data && ctx.data->weights_only) {
    ImGui::TextDisabled("weight matrices loaded: nothing to compute");
    return;
  }
  if (ImGui::BeginCombo("score", a.score.c_str())) {
    for (attn::ScoreKind kind : attn::all_score_kinds()) {
      const std::string name(attn::score_kind_name(kind));
      const std::string label = name + "   " + std::string(attn::score_kind_formula(kind));
      if (ImGui::Selectable(label.c_str(), a.score == name)) a.score = name;
    }
    ImGui::EndCombo();
  }
  float alpha = static_cast<float>(a.alpha);
  if (ImGui::SliderFloat("alpha", &alpha, 0.01f, 20.0f, "%.3g", ImGuiSliderFlags_Logarithmic)) a.alpha = alpha;
  record_layout(ctx, "alpha_slider");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("inverse temperature: s = alpha * (score + shift)");
  if (ctx.data && ctx.data->model && ctx.data->model->has_vectors) {
    // A model file: its own masks (blocked keys, padding, a bias) by default, so exp gives its weights.
    const char* const choices[] = {"model", "none", "causal"};
    const char* const names[] = {"the model's own", "none", "causal"};
    int current = 0;
    for (int c = 0; c < 3; ++c) current = a.mask == choices[c] ? c : current;
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("the model's own").x + ImGui::GetFrameHeight() * 2.0f);
    if (ImGui::Combo("mask", &current, names, 3)) a.mask = choices[current];
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("the model's own: the masks, key padding and bias the model applied to this head (%s)",
                        ctx.data->model->has_masks ? "from the file" : "this file records none");
    }
  } else {
    bool causal = a.mask == "causal";
    if (ImGui::Checkbox("causal mask", &causal)) a.mask = causal ? "causal" : "none";
  }
  ImGui::SameLine();
  ImGui::Checkbox("float64", &a.use_double);
  ImGui::Separator();
  ImGui::TextUnformatted("methods compared");
  method_list(ctx);
  add_method(ctx);
}

}  // namespace ax
