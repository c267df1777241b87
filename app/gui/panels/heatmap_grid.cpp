// Heatmap grid: one heatmap per compared method, each showing clean, perturbed or difference
// weights, with a shared colour range by default (so "unchanged" looks unchanged), an
// invariance badge, a colour bar, hover values, zoom and pan, and undefined rows hatched.
#include "panels/heatmap_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "compute/heatmap_overviews.hpp"
#include "figures/heatmap_ranges.hpp"
#include "figures/heatmap_titles.hpp"
#include "imgui.h"
#include "panels/heatmap_cell.hpp"
#include "panels/row_mass_strip.hpp"
#include "panels/ui_context.hpp"
#include "widgets/colour_bar.hpp"
#include "widgets/grid_layout.hpp"

namespace ax {
namespace {

constexpr const char* kModeNames[] = {"clean", "perturbed", "|difference|", "signed difference"};
// Masked keys are zeros too: the note stays one line in presentation mode.
constexpr const char* kLogNote = "log scale: zeros (and values below the floor) take the darkest colour";
constexpr const char* kHatchNote =
    "hatched rows: weights undefined (every key masked, every F is 0, or F is infinite, NaN or negative)";

// Places the next widget on the same line when `width` more pixels fit, else on a new line.
void same_line_if_fits(float width) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

void view_controls(UiContext& ctx) {
  ViewSettings& v = ctx.state.view;
  ImGui::TextUnformatted("show:");
  // While a lesson question is open every heatmap shows the clean weights (the difference would
  // give the answer away): the toolbar says so, and the step's mode comes with the answer.
  const bool hidden = ctx.hide_answers;
  ImGui::BeginDisabled(hidden);
  for (int m = 0; m < 4; ++m) {
    same_line_if_fits(ImGui::CalcTextSize(kModeNames[m]).x + ImGui::GetStyle().FramePadding.x * 2);
    const bool all_this =
        hidden ? m == static_cast<int>(HeatmapMode::Clean) : v.mode == static_cast<HeatmapMode>(m) && v.modes.empty();
    if (all_this) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(kModeNames[m])) {
      v.mode = static_cast<HeatmapMode>(m);
      v.modes.clear();
    }
    if (all_this) ImGui::PopStyleColor();
  }
  ImGui::EndDisabled();
  if (hidden) {
    same_line_if_fits(ImGui::CalcTextSize("(the rest shows with the answer)").x);
    ImGui::TextDisabled("(the rest shows with the answer)");
  }
  same_line_if_fits(checkbox_width("log"));
  ImGui::Checkbox("log", &v.log_scale);
  same_line_if_fits(checkbox_width("shared range"));
  ImGui::Checkbox("shared range", &v.shared_range);
  same_line_if_fits(checkbox_width("skip key 0"));
  ImGui::Checkbox("skip key 0", &v.exclude_first_key);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("leave key 0 (often an attention sink) out of the colour range");
  if (ctx.result && ctx.result->has_reference) {
    same_line_if_fits(checkbox_width("differences vs the model"));
    ImGui::Checkbox("differences vs the model", &v.versus_model);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "on: each method minus the model's own weights\noff: each method's perturbed minus clean weights");
    }
  }
  // What a pixel covering several cells shows.
  const float reduction_width =
      ImGui::CalcTextSize("mean").x + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2.0f + 4.0f;
  same_line_if_fits(reduction_width + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("pixels").x);
  ImGui::SetNextItemWidth(reduction_width);
  const char* reductions[] = {"max", "mean"};
  int reduction = static_cast<int>(v.reduction);
  if (ImGui::Combo("pixels", &reduction, reductions, 2)) v.reduction = static_cast<PixelReduction>(reduction);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "when a pixel covers several cells: their max (a single peak or sink column is never lost)\n"
        "or their mean; difference views use the largest |difference|");
  }
  float combo_width = 0.0f;
  for (Colormap map : all_colormaps())
    combo_width = std::max(combo_width, ImGui::CalcTextSize(std::string(colormap_name(map)).c_str()).x);
  combo_width += ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2.0f + 4.0f;
  same_line_if_fits(combo_width + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("weight colours").x);
  ImGui::SetNextItemWidth(combo_width);
  if (ImGui::BeginCombo("weight colours", v.colormap.c_str())) {
    for (Colormap map : all_colormaps()) {
      if (map == Colormap::Diverging) continue;
      const std::string name(colormap_name(map));
      if (ImGui::Selectable(name.c_str(), name == v.colormap)) v.colormap = name;
    }
    ImGui::EndCombo();
  }
}

// Images of every heatmap first, then their colour ranges: a shared range needs all of them.
void collect_images(UiContext& ctx, GridImages& g) {
  const ComputeResult& result = *ctx.result;
  const ViewSettings& v = ctx.state.view;
  const std::size_t count = result.methods.size();
  g.images.assign(count, nullptr);
  g.modes.assign(count, HeatmapMode::Clean);
  g.ranges.assign(count, ColourRange{});
  g.streamed.resize(count);
  g.stats_known.assign(count, true);
  // Streaming: no matrix; the statistics come from each heatmap's whole overview once it exists.
  // The colour ranges follow shown_colour_ranges, the rule the PNG export uses too.
  const bool streaming = result.path == ComputePath::Streaming;
  std::vector<RangeMember> members(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (!result.methods[k].error.empty()) continue;
    g.modes[k] = shown_mode(result, v, k, ctx.hide_answers);
    if (streaming) {
      const auto stats = ctx.app.pictures().overviews().whole_stats(result.generation, {k, g.modes[k]});
      g.stats_known[k] = stats.has_value();
      if (stats) g.streamed[k].stats = *stats;
      members[k] = streamed_range_member(&g.streamed[k], g.modes[k]);
    } else {
      members[k] = dense_range_member(ctx.app.pictures().images(), ctx.result, k, g.modes[k]);
    }
    g.images[k] = members[k].image;
  }
  g.ranges = shown_colour_ranges(v, members);
  // Colour ranges: when every heatmap has the same one, a single colour bar serves them all.
  g.one_range = true;
  g.first = -1;
  for (std::size_t k = 0; k < count; ++k) {
    if (!g.images[k]) continue;
    if (g.first < 0) {
      g.first = static_cast<int>(k);
    } else {
      const ColourRange& a = g.ranges[static_cast<std::size_t>(g.first)];
      const ColourRange& b = g.ranges[k];
      g.one_range = g.one_range && a.lo == b.lo && a.hi == b.hi && a.log == b.log && a.map == b.map;
    }
  }
}

// The largest heatmaps the panel has room for, with their labels, titles, notes and colour bars.
GridLayout grid_layout(UiContext& ctx, const GridImages& g) {
  const ComputeResult& result = *ctx.result;
  const ViewSettings& v = ctx.state.view;
  const std::size_t count = result.methods.size();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  GridLayout l;
  l.shared_bar = g.one_range && g.first >= 0 && count > 1;
  l.avail = ImGui::GetContentRegionAvail();
  l.shared_bar_width = ImGui::CalcTextSize("-0.000e-00").x + 30.0f;
  if (l.shared_bar) l.avail.x -= l.shared_bar_width;
  l.label_margin = ImGui::CalcTextSize(std::to_string(std::max<attn::Index>(result.queries - 1, 100)).c_str()).x + 6.0f;
  for (const auto& label : result.data->query_labels) {
    l.label_margin = std::max(l.label_margin, std::min(ImGui::CalcTextSize(label.c_str()).x + 8.0f, 120.0f));
  }
  // Room below the grid for its notes (log scale, hatched rows).
  for (std::size_t k = 0; k < count; ++k) {
    if (!g.images[k]) continue;
    l.any_undefined_rows = l.any_undefined_rows || g.images[k]->stats.undefined_rows > 0;
    l.any_log_range = l.any_log_range || g.ranges[k].log;
    if (shown_row_mass(result.methods[k], g.modes[k])) l.strip_space = kRowMassStripSpace;
  }
  const float notes_width = l.avail.x + (l.shared_bar ? l.shared_bar_width : 0.0f);
  const float notes_height =
      (l.any_log_range ? ImGui::CalcTextSize(kLogNote, nullptr, false, notes_width).y + style.ItemSpacing.y : 0.0f) +
      (l.any_undefined_rows
           ? ImGui::CalcTextSize(kHatchNote, nullptr, false, notes_width - 30.0f).y + style.ItemSpacing.y
           : 0.0f) +
      (l.strip_space > 0.0f ? ImGui::CalcTextSize(kRowMassNote, nullptr, false, notes_width).y + style.ItemSpacing.y
                            : 0.0f) +
      4.0f;
  // The mode menu under each heatmap; while presenting, the demo controls set the mode for all of
  // them, so only a heatmap with a mode of its own names it.
  l.mode_line = !result.weights_only && (!v.presentation || !v.modes.empty());
  l.frame.left = l.label_margin;
  // A colour bar of its own per heatmap: as wide as its widest label (signed ends, sign words).
  float own_bar_width = ImGui::CalcTextSize("0.000").x + 24.0f;
  for (std::size_t k = 0; k < count && !l.shared_bar; ++k) {
    const SignWords signs = difference_sign_words(result, k);
    if (g.images[k]) own_bar_width = std::max(own_bar_width, widgets::ColourBarWidth(g.ranges[k], &signs) + 12.0f);
  }
  l.frame.right = (l.shared_bar ? 0.0f : own_bar_width) + 12.0f + l.strip_space;
  l.frame.top = line * 2.0f + 4.0f;  // title and badge, key labels
  l.frame.bottom = l.mode_line ? ImGui::GetFrameHeightWithSpacing() + 4.0f : 4.0f;
  // A pooled heatmap says what a pixel is below the mode menu when the line is too narrow for
  // both: room for it, so it never runs into the next row's titles.
  const bool may_pool = result.path == ComputePath::Streaming || result.queries > 256 || result.keys > 256;
  if (may_pool) l.frame.bottom += line;
  l.frame.extra_header = line;
  l.titles.resize(count);
  for (std::size_t k = 0; k < count; ++k) {
    l.titles[k] = heatmap_title(result, k, g.modes[k]);
    l.frame.one_line_header_width = std::max(
        l.frame.one_line_header_width, 20.0f + style.ItemSpacing.x * 2.0f + ImGui::CalcTextSize(l.titles[k].c_str()).x +
                                           ImGui::CalcTextSize("unchanged").x + 6.0f);
  }
  const float aspect = static_cast<float>(result.queries) / static_cast<float>(result.keys);
  l.choice = widgets::choose_grid(static_cast<int>(count), l.avail.x, l.avail.y - notes_height, aspect, l.frame, 24.0f);
  l.bar_width = l.frame.right - 12.0f - l.strip_space;
  l.combo_width = mode_combo_width();
  l.origin = ImGui::GetCursorScreenPos();
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  l.width_px = static_cast<int>(std::lround(l.choice.image_w * scale.x));
  l.height_px = static_cast<int>(std::lround(l.choice.image_h * scale.y));
  l.view = view_grid(result.queries, result.keys, v.zoom, v.pan, l.width_px, l.height_px);
  return l;
}

// More cells in view than pixels: each pixel shows the exact summary of its block, from the
// overview of the view (until it arrives, the previous one where it lies, or the cells).
void request_overviews(UiContext& ctx, GridImages& g, const GridLayout& l) {
  const ComputeResult& result = *ctx.result;
  std::optional<HeatmapPictures::OverviewAsk> ask;
  if (l.view.pooled() || result.path == ComputePath::Streaming) {
    ask.emplace();
    for (std::size_t k = 0; k < result.methods.size(); ++k) {
      if (g.images[k]) ask->items.push_back({k, g.modes[k]});
    }
    ask->grid = l.view;
    ask->whole = view_grid(result.queries, result.keys, 1.0f, {0.0f, 0.0f}, l.width_px, l.height_px);
  }
  // Automation waited for the final pictures: their statistics give the final colour ranges.
  if (ctx.app.pictures().request_overviews(ctx.result, ask)) collect_images(ctx, g);
}

// The shared colour bar beside the grid, and the notes below it (log scale, hatched rows).
void grid_legend(UiContext& ctx, const GridImages& g, const GridLayout& l, float content_bottom) {
  const float line = ImGui::GetTextLineHeightWithSpacing();
  if (l.shared_bar) {
    // Next to the grid, as tall as the heatmaps of one row (at least a readable height).
    const float bar_height = std::max(
        l.choice.image_h, std::min(l.choice.cell_h * static_cast<float>(l.choice.rows) - l.frame.top, line * 8.0f));
    ImGui::SetCursorScreenPos(
        ImVec2(l.origin.x + l.choice.cell_w * static_cast<float>(l.choice.columns) + 8.0f, l.origin.y + l.frame.top));
    const SignWords signs = difference_sign_words(*ctx.result, static_cast<std::size_t>(g.first));
    widgets::ColourBar("shared bar", ImVec2(l.shared_bar_width - 8.0f, bar_height),
                       g.ranges[static_cast<std::size_t>(g.first)], &signs);
    record_layout(ctx, "colour_bar");
  }
  ImGui::SetCursorScreenPos(ImVec2(l.origin.x, std::max(content_bottom + 4.0f, l.origin.y)));
  ImGui::PushTextWrapPos(l.origin.x + l.avail.x + (l.shared_bar ? l.shared_bar_width : 0.0f) - ImGui::GetWindowPos().x);
  if (l.any_log_range) ImGui::TextDisabled("%s", kLogNote);
  if (l.strip_space > 0.0f) {
    ImGui::TextDisabled("%s", kRowMassNote);
    record_layout(ctx, "row_mass_note");
  }
  if (l.any_undefined_rows) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (int s = 0; s < 4; ++s) {
      draw->AddRectFilled(ImVec2(p.x + static_cast<float>(s) * 4.0f, p.y + 2.0f),
                          ImVec2(p.x + static_cast<float>(s) * 4.0f + 2.0f, p.y + 14.0f), IM_COL32(128, 128, 128, 255));
    }
    ImGui::Dummy(ImVec2(18.0f, 14.0f));
    ImGui::SameLine();
    ImGui::TextUnformatted(kHatchNote);
  }
  ImGui::PopTextWrapPos();
}

}  // namespace

void draw_mode_menu(UiContext& ctx) {
  ViewSettings& v = ctx.state.view;
  float width = 0.0f;
  for (const char* name : kModeNames) width = std::max(width, ImGui::CalcTextSize(name).x);
  ImGui::SetNextItemWidth(width + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2.0f + 4.0f);
  const char* preview = v.modes.empty() ? kModeNames[static_cast<int>(v.mode)] : "(each its own)";
  if (ImGui::BeginCombo("##all modes", preview)) {
    for (int m = 0; m < 4; ++m) {
      if (ImGui::Selectable(kModeNames[m], v.modes.empty() && v.mode == static_cast<HeatmapMode>(m))) {
        v.mode = static_cast<HeatmapMode>(m);
        v.modes.clear();
      }
    }
    ImGui::EndCombo();
  }
  record_layout(ctx, "mode_menu");
}

void draw_heatmap_grid(UiContext& ctx) {
  // Presenting, the demo controls carry the view mode; the finer options wait for normal mode.
  if (!ctx.state.view.presentation) view_controls(ctx);
  if (!ctx.result) {
    ImGui::TextUnformatted(computing_text(ctx).c_str());
    return;
  }
  if (ctx.result->methods.empty()) return;
  ctx.scratch.drawn.heatmaps.clear();
  GridImages images;
  collect_images(ctx, images);
  const GridLayout layout = grid_layout(ctx, images);
  request_overviews(ctx, images, layout);
  float content_bottom = 0.0f;
  for (std::size_t k = 0; k < ctx.result->methods.size(); ++k) {
    content_bottom = std::max(content_bottom, draw_heatmap_cell(ctx, k, images, layout));
  }
  grid_legend(ctx, images, layout, content_bottom);
}

}  // namespace ax
