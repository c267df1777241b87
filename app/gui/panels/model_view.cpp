// Model view: a model file's layers x heads as small multiples (as BertViz's model view), with
// layer and head labels. Clicking a cell, or the keys (Left/Right: head, [ and ]: layer), opens
// that head in the heatmap grid below, where it is recomputed with any method.
#include "panels/model_view.hpp"

#include <algorithm>
#include <cstdio>

#include "figures/model_grid_colours.hpp"
#include "figures/reference_verdict.hpp"
#include "imgui.h"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

constexpr int kSlotBase = 100000;  // canvas slots of the cells, apart from the heatmap grid's
constexpr float kGap = 4.0f;

struct GridGeometry {
  float label_w = 0.0f, header_h = 0.0f, cell_w = 0.0f, cell_h = 0.0f;
};

GridGeometry geometry(const ModelGrid& grid, const LoadedData& data, float width, float height) {
  GridGeometry g;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  g.label_w = ImGui::CalcTextSize("layer 00").x + 8.0f;
  g.header_h = line * 3.0f;  // the hint line, the colours' caption and the head labels
  const float aspect =
      static_cast<float>(data.query_count()) / static_cast<float>(std::max<attn::Index>(data.key_count(), 1));
  const auto heads = static_cast<float>(grid.heads), layers = static_cast<float>(grid.layers);
  g.cell_w = std::max((width - g.label_w) / heads - kGap, 8.0f);
  g.cell_h = g.cell_w * aspect;
  const float max_h = (height - g.header_h) / layers - kGap;
  if (g.cell_h > max_h) {
    g.cell_h = std::max(max_h, 8.0f);
    g.cell_w = g.cell_h / aspect;
  }
  return g;
}

}  // namespace

float model_view_height(const UiContext& ctx, float width, float max_height) {
  if (!ctx.data || !ctx.data->model) return 0.0f;
  const ModelGrid& grid = *ctx.data->model;
  const GridGeometry g = geometry(grid, *ctx.data, width, max_height);
  return g.header_h + static_cast<float>(grid.layers) * (g.cell_h + kGap) + ImGui::GetStyle().WindowPadding.y * 2.0f +
         ImGui::GetFrameHeight();
}

void draw_model_view(UiContext& ctx) {
  if (!ctx.data || !ctx.data->model) return;
  const ModelGrid& grid = *ctx.data->model;
  const LoadedData& data = *ctx.data;
  const std::shared_ptr<const ModelGridCells> cells = ctx.app.model_grid_cells();

  ImGui::TextDisabled("%s%s%s. Click a head; Left/Right: head, [ ]: layer.",
                      grid.group.empty() ? "" : ("group " + grid.group + ": ").c_str(),
                      !grid.has_vectors              ? "The model's weights only (no q, k)"
                      : grid.cells_are_model_weights ? "The model's weights"
                                                     : "Softmax from q and k, with each head's mask",
                      grid.dropout_applied ? ", after dropout" : "");
  // Which colour range the cells use (the view's settings: log, shared or per head), what a pixel
  // is, and how far the pictures have come.
  const GridColours colours = cells ? grid_colours(*cells, ctx.state.view) : GridColours{};
  std::string status = cells ? colours.caption : "computing the heads' pictures";
  if (cells && cells->done < cells->cells.size() && cells->error.empty()) {
    status += " (" + std::to_string(cells->done) + " of " + std::to_string(cells->cells.size()) + " heads)";
  }
  if (cells && !cells->error.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.35f, 1.0f), "%s", cells->error.c_str());
  } else {
    ImGui::TextDisabled("%s", status.c_str());
  }
  record_layout(ctx, "model_grid_caption");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const GridGeometry g = geometry(grid, data, avail.x, avail.y + 2.0f * ImGui::GetTextLineHeightWithSpacing());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 label_colour = IM_COL32(200, 200, 205, 230);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;

  for (attn::Index h = 0; h < grid.heads; ++h) {
    char text[32];
    std::snprintf(text, sizeof text, "head %ld", static_cast<long>(h));
    const float x = origin.x + g.label_w + static_cast<float>(h) * (g.cell_w + kGap) + g.cell_w * 0.5f;
    const float w = ImGui::CalcTextSize(text).x;
    if (w <= g.cell_w + kGap) draw->AddText(ImVec2(x - w * 0.5f, origin.y), label_colour, text);
  }
  for (attn::Index layer = 0; layer < grid.layers; ++layer) {
    const float y = origin.y + line + 4.0f + static_cast<float>(layer) * (g.cell_h + kGap);
    char text[32];
    std::snprintf(text, sizeof text, "layer %ld", static_cast<long>(layer));
    draw->AddText(ImVec2(origin.x, y + g.cell_h * 0.5f - line * 0.5f), label_colour, text);
    for (attn::Index head = 0; head < grid.heads; ++head) {
      const std::size_t k = static_cast<std::size_t>(layer * grid.heads + head);
      const ImVec2 p0(origin.x + g.label_w + static_cast<float>(head) * (g.cell_w + kGap), y);
      ImGui::SetCursorScreenPos(p0);
      ImGui::PushID(static_cast<int>(k));
      if (k < colours.images.size() && colours.images[k].values) {
        const HeatmapImage& image = colours.images[k];
        HeatmapDraw cell;
        cell.slot = kSlotBase + static_cast<int>(k);
        cell.values = cell_values(image);
        cell.matrix_rows = image.values->rows();
        cell.matrix_cols = image.values->cols();
        cell.range = colours.ranges[k];
        cell.width_px = std::max(1, static_cast<int>(g.cell_w * scale.x));
        cell.height_px = std::max(1, static_cast<int>(g.cell_h * scale.y));
        ImGui::Image(ctx.canvas.request(cell), ImVec2(g.cell_w, g.cell_h), ImVec2(0, 1), ImVec2(1, 0));
      } else {
        // Not pictured yet: a placeholder that still opens the head.
        ImGui::InvisibleButton("pending", ImVec2(g.cell_w, g.cell_h));
        draw->AddRectFilled(p0, ImVec2(p0.x + g.cell_w, p0.y + g.cell_h), IM_COL32(45, 46, 52, 255));
      }
      const std::string name = grid.head_name(layer, head);
      record_layout(ctx, "model_cell:" + std::to_string(layer) + ":" + std::to_string(head));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nclick to open", name.c_str());
      if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
        ctx.state.data.layer = static_cast<int>(layer);
        ctx.state.data.head = static_cast<int>(head);
      }
      ImGui::PopID();
      if (layer == data.layer && head == data.head) {
        draw->AddRect(ImVec2(p0.x - 2.0f, p0.y - 2.0f), ImVec2(p0.x + g.cell_w + 2.0f, p0.y + g.cell_h + 2.0f),
                      IM_COL32(255, 210, 80, 255), 0.0f, 0, 2.0f);
      }
    }
  }
  ImGui::SetCursorScreenPos(
      ImVec2(origin.x, origin.y + line + 4.0f + static_cast<float>(grid.layers) * (g.cell_h + kGap)));
  ImGui::Dummy(ImVec2(1.0f, 1.0f));
}

void draw_reference_badge(const UiContext& ctx, bool same_line, float right_edge) {
  const attn::Deviation& d = ctx.result->own_f_vs_reference;
  const ReferenceVerdict verdict = reference_verdict(*ctx.result, ctx.result->mask_setting);
  if (same_line) ImGui::SameLine();
  const bool neutral = verdict.match == ReferenceMatch::AfterDropout || verdict.match == ReferenceMatch::NoRows;
  if (neutral) {
    ImGui::TextDisabled("%s", verdict.label.c_str());
  } else {
    ImGui::TextColored(
        ImGui::ColorConvertU32ToFloat4(verdict.agrees() ? widgets::kUnchangedColour : widgets::kChangedColour), "%s",
        verdict.label.c_str());
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", verdict.detail.c_str());
  char text[64];
  std::snprintf(text, sizeof text, "max|dW| %.2g", d.max_abs_diff);
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(text).x <= right_edge) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", text);
  }
}

void draw_versus_model_badge(const MethodResult& method, bool perturbed, bool same_line, float right_edge) {
  const attn::Deviation& d = method.vs_reference;
  if (same_line) ImGui::SameLine();
  ImGui::TextDisabled("vs model");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s weights of this method against the model's own: max |dW| = %.3g, mean total variation %.3g",
                      perturbed ? "perturbed" : "clean", d.max_abs_diff, d.mean_tv);
  }
  char text[64];
  std::snprintf(text, sizeof text, "max|dW| %.2g", d.max_abs_diff);
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(text).x <= right_edge) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", text);
  }
}

}  // namespace ax
