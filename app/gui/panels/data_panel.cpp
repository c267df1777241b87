// Data panel: where the vectors come from (generator, editable 2-D points, or files of vectors or
// weight matrices) and how they are prepared.
#include "panels/data_panel.hpp"

#include <algorithm>

#include "compute/compute_path.hpp"
#include "imgui.h"
#include "imgui_stdlib.h"
#include "panels/sentence_panels.hpp"
#include "widgets/palette.hpp"
#include "widgets/points_editor.hpp"

namespace ax {
namespace {

void generator_controls(UiContext& ctx) {
  DataSettings& d = ctx.state.data;
  const char* kinds[] = {"gaussian", "clusters", "sphere"};
  int kind = static_cast<int>(std::find(std::begin(kinds), std::end(kinds), d.generator) - std::begin(kinds));
  if (kind >= 3) kind = 0;
  if (ImGui::Combo("kind", &kind, kinds, 3)) d.generator = kinds[kind];
  // Sizes are committed on release: a drag through 4096 does not start 4096 computations.
  int n = d.n, dim = d.d;
  ImGui::SliderInt("n vectors", &n, 2, static_cast<int>(kStreamingMaxTokens), "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit() || (!ImGui::IsItemActive() && n != d.n)) d.n = n;
  ImGui::SliderInt("d dimension", &dim, 1, 512, "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit() || (!ImGui::IsItemActive() && dim != d.d)) d.d = dim;
  if (d.generator == "clusters") ImGui::SliderInt("clusters", &d.clusters, 1, 12);
  int seed = static_cast<int>(d.seed);
  if (ImGui::InputInt("seed", &seed)) d.seed = static_cast<std::uint64_t>(std::max(seed, 0));
}

void points_controls(UiContext& ctx) {
  DataSettings& d = ctx.state.data;
  ImGui::TextDisabled("click: add   drag: move   right-click: remove");
  const float side = std::min(ImGui::GetContentRegionAvail().x, 300.0f);
  widgets::PointsEditorStyle style;
  style.highlight = ctx.state.view.selected_row;
  widgets::PointsEditor("points", ImVec2(side, side), d.points, ctx.scratch.dragging_point, style);
  if (ImGui::Button("Reset points")) d.points = default_points();
}

// A path field; a path whose loading failed is drawn in red until it changes or loads.
bool path_field(UiContext& ctx, const char* label, std::string& path) {
  const auto& failed = ctx.scratch.typed.failed;
  const bool marked = !path.empty() && std::find(failed.begin(), failed.end(), path) != failed.end();
  if (marked) ImGui::PushStyleColor(ImGuiCol_Text, widgets::kErrorColour);
  const bool entered = ImGui::InputText(label, &path, ImGuiInputTextFlags_EnterReturnsTrue);
  if (marked) {
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("this path failed to load (see the message above)");
  }
  return entered;
}

void file_controls(UiContext& ctx) {
  DataSettings& d = ctx.state.data;
  ImGui::TextDisabled("type a path and press Enter, or drop a file on the window (.npy, .csv, a model's .npz)");
  if (path_field(ctx, "vectors / weights", ctx.scratch.typed.vectors)) {
    d.vectors_path = ctx.scratch.typed.vectors;
    d.source = DataSource::File;
  }
  if (path_field(ctx, "keys (optional)", ctx.scratch.typed.keys)) d.keys_path = ctx.scratch.typed.keys;
  if (path_field(ctx, "tokens (optional)", ctx.scratch.typed.tokens)) d.tokens_path = ctx.scratch.typed.tokens;
  if (ImGui::Button("Load")) {
    d.source = DataSource::File;
    d.vectors_path = ctx.scratch.typed.vectors;
    d.keys_path = ctx.scratch.typed.keys;
    d.tokens_path = ctx.scratch.typed.tokens;
  }
  const char* contents[] = {"auto", "vectors", "weight matrices"};
  int content = static_cast<int>(d.content);
  if (ImGui::Combo("file holds", &content, contents, 3)) d.content = static_cast<FileContent>(content);
  if (ctx.data && ctx.data->model) {
    // A model file: its group (encoder, decoder, cross...), layer and head of the main view (the
    // model view's grid shows every layer and head of the group).
    const ModelGrid& model = *ctx.data->model;
    if (!model.groups.empty() && ImGui::BeginCombo("group", model.group.c_str())) {
      for (const std::string& g : model.groups) {
        if (ImGui::Selectable(g.c_str(), g == model.group)) d.group = g;
      }
      ImGui::EndCombo();
    }
    ImGui::InputInt("layer", &d.layer);
    ImGui::InputInt("head", &d.head);
    d.layer = std::clamp(d.layer, 0, static_cast<int>(ctx.data->model->layers) - 1);
    d.head = std::clamp(d.head, 0, static_cast<int>(ctx.data->model->heads) - 1);
  } else if (ctx.data && !ctx.data->weights_only) {
    ImGui::InputInt("head (rank-3 files)", &d.head);
  }
  d.head = std::max(d.head, 0);
}

}  // namespace

void draw_data_panel(UiContext& ctx) {
  DataSettings& d = ctx.state.data;
  // The file choice takes effect once a path is given, so choosing "file" never fails on an
  // empty path; the other sources apply at once.
  int& choice = ctx.scratch.source_choice;
  if (choice < 0 || (choice != static_cast<int>(DataSource::File) && choice != static_cast<int>(d.source)) ||
      (choice == static_cast<int>(DataSource::File) && d.source == DataSource::File)) {
    choice = static_cast<int>(d.source);
  }
  ImGui::RadioButton("generated", &choice, static_cast<int>(DataSource::Generated));
  ImGui::SameLine();
  ImGui::RadioButton("2-D points", &choice, static_cast<int>(DataSource::Points2D));
  ImGui::SameLine();
  ImGui::RadioButton("file", &choice, static_cast<int>(DataSource::File));
  // On a line of its own: four choices do not fit a narrow panel.
  ImGui::RadioButton("sentence (a trained language model)", &choice, static_cast<int>(DataSource::Sentence));
  record_layout(ctx, "source_sentence");
  if (choice != static_cast<int>(DataSource::File)) d.source = static_cast<DataSource>(choice);
  switch (static_cast<DataSource>(choice)) {
    case DataSource::Generated: generator_controls(ctx); break;
    case DataSource::Points2D: points_controls(ctx); break;
    case DataSource::File: file_controls(ctx); break;
    case DataSource::Sentence: draw_sentence_controls(ctx); break;
  }
  if (ctx.data && ctx.data->weights_only) {
    ImGui::TextWrapped(
        "Showing weight matrices as loaded: shifts, noise, scores and the charts need the queries "
        "and keys.");
  } else if (d.source != DataSource::Sentence) {
    ImGui::Checkbox("centre (subtract the mean)", &d.centre);
  }
  if (ctx.data) ImGui::TextDisabled("%s", ctx.data->description.c_str());
}

}  // namespace ax
