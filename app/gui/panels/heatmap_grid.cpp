// Heatmap grid: one heatmap per compared method, each showing clean, perturbed or difference
// weights, with a shared colour range by default (so "unchanged" looks unchanged), an
// invariance badge, a colour bar, hover values, zoom and pan, and undefined rows hatched.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "imgui.h"
#include "model/axis_ticks.hpp"
#include "model/heatmap_overviews.hpp"
#include "model/heatmap_ranges.hpp"
#include "model/heatmap_titles.hpp"
#include "panels/panels.hpp"
#include "widgets/colour_bar.hpp"
#include "widgets/grid_layout.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

constexpr const char* kModeNames[] = {"clean", "perturbed", "|difference|", "signed difference"};
constexpr const char* kShortModeNames[] = {"clean", "perturbed", "|diff|", "signed diff"};
constexpr const char* kLogNote = "log scale: exact zeros (masked keys included) and values below the floor take the darkest colour";
constexpr const char* kHatchNote = "hatched rows: weights undefined (every F is 0, or F is infinite, NaN or negative)";


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
    const bool all_this = hidden ? m == static_cast<int>(HeatmapMode::Clean)
                                 : v.mode == static_cast<HeatmapMode>(m) && v.modes.empty();
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
      ImGui::SetTooltip("on: each method minus the model's own weights\noff: each method's perturbed minus clean weights");
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
    ImGui::SetTooltip("when a pixel covers several cells: their max (a single peak or sink column is never lost)\n"
                      "or their mean; difference views use the largest |difference|");
  }
  float combo_width = 0.0f;
  for (Colormap map : all_colormaps()) combo_width = std::max(combo_width, ImGui::CalcTextSize(std::string(colormap_name(map)).c_str()).x);
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

// Zoom about the cursor with the wheel, pan by dragging, reset with a double click. Shared by
// every heatmap so they stay aligned.
void zoom_and_pan(UiContext& ctx, ImVec2 p0, ImVec2 size) {
  ViewSettings& v = ctx.state.view;
  ImGuiIO& io = ImGui::GetIO();
  const float fx = (io.MousePos.x - p0.x) / size.x, fy = (io.MousePos.y - p0.y) / size.y;
  if (io.MouseWheel != 0.0f) {
    const float u = v.pan[0] + fx / v.zoom, w = v.pan[1] + fy / v.zoom;
    v.zoom = std::clamp(v.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, 256.0f);
    v.pan = {u - fx / v.zoom, w - fy / v.zoom};
  }
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f) && v.zoom > 1.0f) {
    v.pan[0] -= io.MouseDelta.x / size.x / v.zoom;
    v.pan[1] -= io.MouseDelta.y / size.y / v.zoom;
    ctx.scratch.dragging_heatmap = true;
  }
  if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    v.zoom = 1.0f;
    v.pan = {0.0f, 0.0f};
  }
  const float limit = 1.0f - 1.0f / v.zoom;
  v.pan = {std::clamp(v.pan[0], 0.0f, limit), std::clamp(v.pan[1], 0.0f, limit)};
}

void tooltip(const UiContext& ctx, const MethodResult& r, int i, int j) {
  const auto& data = *ctx.result->data;
  ImGui::BeginTooltip();
  const bool labelled = static_cast<std::size_t>(i) < data.query_labels.size() &&
                        static_cast<std::size_t>(j) < data.key_labels.size();
  if (labelled) {
    ImGui::Text("query %d '%s'  ->  key %d '%s'", i, data.query_labels[static_cast<std::size_t>(i)].c_str(), j,
                data.key_labels[static_cast<std::size_t>(j)].c_str());
  } else {
    ImGui::Text("query i = %d, key j = %d", i, j);
  }
  if (!ctx.result->weights_only) {
    ImGui::Text("s_ij  clean %.5g   perturbed %.5g", ctx.result->scores_clean(i, j), ctx.result->scores_perturbed(i, j));
  }
  auto weight = [](const attn::Weights<float>& w, int row, int col, char* out, std::size_t size) {
    if (!w.defined(row)) {
      std::snprintf(out, size, "undefined (%s)", std::string(attn::row_status_name(w.rows[static_cast<std::size_t>(row)])).c_str());
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
      ImGui::Text("      |difference| %.3g", std::abs(static_cast<double>(r.perturbed.matrix(i, j) - r.clean.matrix(i, j))));
    }
  }
  ImGui::TextDisabled("click: inspect this row");
  ImGui::EndTooltip();
}

HeatmapValues overview_values(const std::shared_ptr<const HeatmapOverview>& pooled, PixelReduction reduction) {
  const attn::Overview& o = pooled->overview;
  const std::vector<float>& pixels = o.values(reduction == PixelReduction::Mean ? attn::PoolReduction::Mean : attn::PoolReduction::Max);
  HeatmapValues values;
  values.owner = pooled;
  values.data = pixels.data();
  values.rows = static_cast<int>(o.pixel_rows);
  values.cols = static_cast<int>(o.pixel_cols);
  // Odd numbers: never the version of a cell image.
  values.version = (pooled->version * 2 + (reduction == PixelReduction::Mean ? 1 : 0)) * 2 + 1;
  values.row_begin = o.window.row_begin;
  values.col_begin = o.window.col_begin;
  values.window_rows = o.window.rows();
  values.window_cols = o.window.cols();
  return values;
}

// The readout of a pooled pixel: its block, the peak with the cell where it sits, and the mean.
void pooled_tooltip(UiContext& ctx, const MethodResult& r, const attn::Overview& o, attn::Index pr, attn::Index pc,
                    HeatmapMode mode) {
  const auto& data = *ctx.result->data;
  const auto [i0, i1] = o.block_rows(pr);
  const auto [j0, j1] = o.block_cols(pc);
  const attn::Index p = o.pixel(pr, pc);
  const auto name = [](const std::vector<std::string>& labels, attn::Index k) {
    return static_cast<std::size_t>(k) < labels.size() ? " '" + labels[static_cast<std::size_t>(k)] + "'" : std::string();
  };
  const bool difference = mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
  const char* value = mode == HeatmapMode::SignedDifference ? "largest |difference| (signed)"
                      : difference                          ? "max |difference|"
                                                            : "max w";
  char text[512];
  int used = std::snprintf(text, sizeof text, "%s  (%s)\nrows %ld..%ld, keys %ld..%ld  (%ld x %ld cells in this pixel)\n",
                           r.spec.c_str(), mode == HeatmapMode::Clean ? "clean" : mode == HeatmapMode::Perturbed ? "perturbed" : "difference",
                           static_cast<long>(i0), static_cast<long>(i1 - 1), static_cast<long>(j0), static_cast<long>(j1 - 1),
                           static_cast<long>(i1 - i0), static_cast<long>(j1 - j0));
  if (o.peak_row[static_cast<std::size_t>(p)] < 0) {
    std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used), "every row of this block is undefined");
  } else {
    const attn::Index pi = o.peak_row[static_cast<std::size_t>(p)], pj = o.peak_col[static_cast<std::size_t>(p)];
    used += std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used), "%s %.6g at query %ld%s, key %ld%s\nmean %.6g",
                          value, static_cast<double>(o.peak[static_cast<std::size_t>(p)]), static_cast<long>(pi),
                          name(data.query_labels, pi).c_str(), static_cast<long>(pj), name(data.key_labels, pj).c_str(),
                          static_cast<double>(o.mean[static_cast<std::size_t>(p)]));
    const auto undefined = o.undefined[static_cast<std::size_t>(p)];
    if (undefined > 0) {
      std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used), "\n%ld cells in undefined rows (left out)",
                    static_cast<long>(undefined));
    }
  }
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(text);
  ImGui::TextDisabled("click: inspect query %ld", static_cast<long>(o.peak_row[static_cast<std::size_t>(p)] >= 0 ? o.peak_row[static_cast<std::size_t>(p)] : i0));
  ImGui::EndTooltip();
  ctx.scratch.hover_text = text;
}

// The verdict on this method's perturbation: on the title's line, or on its own line below when
// the cell is narrow.
void badge(const UiContext& ctx, const MethodResult& r, bool versus_model, bool same_line, float right_edge) {
  if (ctx.result->weights_only) return;
  if (r.is_reference) return draw_reference_badge(ctx, same_line, right_edge);
  if (versus_model) return draw_versus_model_badge(r, same_line, right_edge);
  if (ctx.hide_answers) {
    // Only a whole note: a cut-off one reads as something else.
    for (const char* text : {"(answer hidden)", "(hidden)"}) {
      const float x = same_line ? ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x : ImGui::GetCursorScreenPos().x;
      if (x + ImGui::CalcTextSize(text).x > right_edge) continue;
      if (same_line) ImGui::SameLine();
      ImGui::TextDisabled("%s", text);
      break;
    }
    return;
  }
  if (!ctx.result->perturbed) {
    if (same_line) ImGui::SameLine();
    ImGui::TextDisabled("no perturbation");
    return;
  }
  if (r.deviation.compared_rows == 0) {  // streaming a method that normalises columns: not compared
    if (same_line) ImGui::SameLine();
    ImGui::TextDisabled("not compared at this size");
    return;
  }
  const InvarianceBadge b = invariance_badge(r, ctx.result->use_double);
  if (same_line) ImGui::SameLine();
  if (b.unchanged) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kUnchangedColour), "unchanged");
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kChangedColour), "changed");
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("max |perturbed - clean| = %.3g%s\n'unchanged' means at most %.0e, the rounding of %s", b.max_abs_diff,
                      ctx.result->path == ComputePath::Streaming ? " over the first queries (streaming path)" : "",
                      b.tolerance, ctx.result->use_double ? "float64" : "float32");
  }
  // A number cut off at the cell's edge would read as another number: show only whole texts, the
  // longest that fits.
  char full[96], short_text[48];
  std::snprintf(short_text, sizeof short_text, "max|dW| %.2g", b.max_abs_diff);
  const long undefined = static_cast<long>(r.deviation.undefined_rows);
  std::snprintf(full, sizeof full, "%s, %ld undefined row%s", short_text, undefined, undefined == 1 ? "" : "s");
  const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
  for (const char* text : {undefined > 0 ? full : short_text, short_text}) {
    if (x + ImGui::CalcTextSize(text).x <= right_edge) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", text);
      break;
    }
  }
}

// Key labels above the columns, query labels left of the rows, at round steps that leave each
// label its room (numbers or tokens).
void axis_labels(const UiContext& ctx, ImVec2 p0, ImVec2 size) {
  const auto& data = *ctx.result->data;
  const ViewSettings& v = ctx.state.view;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const attn::Index n = ctx.result->queries, m = ctx.result->keys;
  const float cell_w = size.x * v.zoom / static_cast<float>(m), cell_h = size.y * v.zoom / static_cast<float>(n);
  const float line = ImGui::GetTextLineHeight();
  const ImU32 colour = IM_COL32(200, 200, 205, 230);
  const auto label = [](const std::vector<std::string>& labels, attn::Index i) {
    return static_cast<std::size_t>(i) < labels.size() ? labels[static_cast<std::size_t>(i)] : std::to_string(i);
  };
  float key_width = ImGui::CalcTextSize(std::to_string(m - 1).c_str()).x;
  for (const auto& text : data.key_labels) key_width = std::max(key_width, ImGui::CalcTextSize(text.c_str()).x);
  key_width = std::min(key_width, 120.0f);
  const double first_key = static_cast<double>(v.pan[0]) * static_cast<double>(m);
  const double first_query = static_cast<double>(v.pan[1]) * static_cast<double>(n);
  draw->PushClipRect(ImVec2(p0.x - 200.0f, p0.y - line - 2.0f), ImVec2(p0.x + size.x, p0.y + size.y), true);
  for (attn::Index j : axis_ticks(m, first_key, first_key + static_cast<double>(size.x / cell_w), cell_w, key_width + 8.0f)) {
    const float x = p0.x + (static_cast<float>(j) + 0.5f) * cell_w - v.pan[0] * size.x * v.zoom;
    const std::string text = label(data.key_labels, j);
    const float w = std::min(ImGui::CalcTextSize(text.c_str()).x, key_width);
    if (x - w * 0.5f < p0.x - 4.0f || x + w * 0.5f > p0.x + size.x + 4.0f) continue;  // a cut label reads as another
    // A label wider than its room is clipped to it, never drawn over its neighbour.
    const ImVec4 clip(x - w * 0.5f, p0.y - line - 2.0f, x + w * 0.5f + 1.0f, p0.y);
    draw->AddText(nullptr, 0.0f, ImVec2(x - w * 0.5f, p0.y - line - 1.0f), colour, text.c_str(), nullptr, 0.0f, &clip);
  }
  draw->PopClipRect();
  draw->PushClipRect(ImVec2(p0.x - 200.0f, p0.y - line * 0.5f), ImVec2(p0.x, p0.y + size.y + line * 0.5f), true);
  for (attn::Index i : axis_ticks(n, first_query, first_query + static_cast<double>(size.y / cell_h), cell_h, line + 2.0f)) {
    const float y = p0.y + (static_cast<float>(i) + 0.5f) * cell_h - v.pan[1] * size.y * v.zoom;
    const std::string text = label(data.query_labels, i);
    const float w = ImGui::CalcTextSize(text.c_str()).x;
    draw->AddText(ImVec2(p0.x - w - 4.0f, y - line * 0.5f), colour, text.c_str());
  }
  draw->PopClipRect();
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
  const ComputeResult& result = *ctx.result;
  ViewSettings& v = ctx.state.view;
  const std::size_t count = result.methods.size();
  if (count == 0) return;
  ctx.scratch.heatmaps.clear();

  // Images of every heatmap first: a shared colour range needs all of them.
  std::vector<const HeatmapImage*> images(count, nullptr);
  std::vector<HeatmapMode> modes(count);
  // Streaming: no matrix; the statistics come from each heatmap's whole overview once it exists.
  // The colour ranges follow shown_colour_ranges, the rule the PNG export uses too.
  const bool streaming = result.path == ComputePath::Streaming;
  std::vector<HeatmapImage> streamed(count);
  std::vector<bool> stats_known(count, true);
  std::vector<ColourRange> ranges(count);
  bool one_range = true;
  int first = -1;
  const auto images_and_ranges = [&] {
    std::vector<RangeMember> members(count);
    for (std::size_t k = 0; k < count; ++k) {
      if (!result.methods[k].error.empty()) continue;
      modes[k] = shown_mode(result, v, k, ctx.hide_answers);
      if (streaming) {
        const auto stats = ctx.overviews.whole_stats(result.generation, {k, modes[k]});
        stats_known[k] = stats.has_value();
        if (stats) streamed[k].stats = *stats;
        members[k] = streamed_range_member(&streamed[k], modes[k]);
      } else {
        members[k] = dense_range_member(ctx.images, ctx.result, k, modes[k]);
      }
      images[k] = members[k].image;
    }
    ranges = shown_colour_ranges(v, members);

    // Colour ranges: when every heatmap has the same one, a single colour bar serves them all.
    one_range = true;
    first = -1;
    for (std::size_t k = 0; k < count; ++k) {
      if (!images[k]) continue;
      if (first < 0) {
        first = static_cast<int>(k);
      } else {
        const ColourRange& a = ranges[static_cast<std::size_t>(first)];
        one_range = one_range && a.lo == ranges[k].lo && a.hi == ranges[k].hi && a.log == ranges[k].log && a.map == ranges[k].map;
      }
    }
  };
  images_and_ranges();
  const bool shared_bar = one_range && first >= 0 && count > 1;

  const bool presenting = v.presentation;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float shared_bar_width = ImGui::CalcTextSize("-0.000e-00").x + 30.0f;
  if (shared_bar) avail.x -= shared_bar_width;
  float label_margin = ImGui::CalcTextSize(std::to_string(std::max<attn::Index>(result.queries - 1, 100)).c_str()).x + 6.0f;
  for (const auto& label : result.data->query_labels) {
    label_margin = std::max(label_margin, std::min(ImGui::CalcTextSize(label.c_str()).x + 8.0f, 120.0f));
  }
  // Room below the grid for its notes (log scale, hatched rows).
  bool any_undefined_rows = false, any_log_range = false;
  for (std::size_t k = 0; k < count; ++k) {
    if (!images[k]) continue;
    any_undefined_rows = any_undefined_rows || images[k]->stats.undefined_rows > 0;
    any_log_range = any_log_range || ranges[k].log;
  }
  const float notes_width = avail.x + (shared_bar ? shared_bar_width : 0.0f);
  const float notes_height = (any_log_range ? ImGui::CalcTextSize(kLogNote, nullptr, false, notes_width).y + style.ItemSpacing.y : 0.0f) +
                             (any_undefined_rows ? ImGui::CalcTextSize(kHatchNote, nullptr, false, notes_width - 30.0f).y + style.ItemSpacing.y : 0.0f) + 4.0f;
  // The mode menu under each heatmap; while presenting, the demo controls set the mode for all of
  // them, so only a heatmap with a mode of its own names it.
  const bool mode_line = !result.weights_only && (!presenting || !v.modes.empty());
  widgets::GridCellFrame frame;
  frame.left = label_margin;
  // A colour bar of its own per heatmap: as wide as its widest label (signed ends, sign words).
  float own_bar_width = ImGui::CalcTextSize("0.000").x + 24.0f;
  for (std::size_t k = 0; k < count && !shared_bar; ++k) {
    const SignWords signs = difference_sign_words(result, k);
    if (images[k]) own_bar_width = std::max(own_bar_width, widgets::ColourBarWidth(ranges[k], &signs) + 12.0f);
  }
  frame.right = (shared_bar ? 0.0f : own_bar_width) + 12.0f;
  frame.top = line * 2.0f + 4.0f;  // title and badge, key labels
  frame.bottom = mode_line ? ImGui::GetFrameHeightWithSpacing() + 4.0f : 4.0f;
  frame.extra_header = line;
  std::vector<std::string> titles(count);
  for (std::size_t k = 0; k < count; ++k) {
    titles[k] = heatmap_title(result, k, modes[k]);
    frame.one_line_header_width = std::max(frame.one_line_header_width, 20.0f + style.ItemSpacing.x * 2.0f +
                                                                            ImGui::CalcTextSize(titles[k].c_str()).x +
                                                                            ImGui::CalcTextSize("unchanged").x + 6.0f);
  }
  const float aspect = static_cast<float>(result.queries) / static_cast<float>(result.keys);
  const widgets::GridChoice layout = widgets::choose_grid(static_cast<int>(count), avail.x, avail.y - notes_height, aspect,
                                                          frame, 24.0f);
  const int columns = layout.columns, rows = layout.rows;
  const bool two_line_header = layout.two_line_header;
  const float image_w = layout.image_w, image_h = layout.image_h, cell_w = layout.cell_w, cell_h = layout.cell_h;
  const float bar_width = frame.right - 12.0f;
  // Wide enough for its longest choice, so no choice is cut short.
  float combo_width = 0.0f;
  for (const char* name : kShortModeNames) combo_width = std::max(combo_width, ImGui::CalcTextSize(name).x);
  combo_width += ImGui::GetFrameHeight() + style.FramePadding.x * 2.0f + 4.0f;

  float content_bottom = 0.0f;
  const ImVec2 grid_origin = ImGui::GetCursorScreenPos();
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const int width_px = static_cast<int>(std::lround(image_w * scale.x));
  const int height_px = static_cast<int>(std::lround(image_h * scale.y));
  // More cells in view than pixels: each pixel shows the exact summary of its block, from the
  // overview of the view (until it arrives, the previous one where it lies, or the cells).
  const ViewGrid grid = view_grid(result.queries, result.keys, v.zoom, v.pan, width_px, height_px);
  if (grid.pooled() || streaming) {
    std::vector<OverviewService::Item> items;
    for (std::size_t k = 0; k < count; ++k) {
      if (images[k]) items.push_back({k, modes[k]});
    }
    ctx.overviews.request(ctx.result, items, grid, view_grid(result.queries, result.keys, 1.0f, {0.0f, 0.0f}, width_px, height_px));
    if (ctx.scratch.settle_overviews) {  // automation: the final picture, with its colour range
      ctx.overviews.wait_until_idle();
      images_and_ranges();
    }
  }
  ctx.scratch.settle_overviews = false;
  for (std::size_t k = 0; k < count; ++k) {
    const MethodResult& r = result.methods[k];
    const int col = static_cast<int>(k) % columns, row = static_cast<int>(k) / columns;
    ImGui::SetCursorScreenPos(ImVec2(grid_origin.x + static_cast<float>(col) * cell_w,
                                     grid_origin.y + static_cast<float>(row) * cell_h));
    ImGui::PushID(static_cast<int>(k));
    ImGui::BeginGroup();
    // The title never runs into the next cell.
    const ImVec2 cell_origin = ImGui::GetCursorScreenPos();
    ImGui::PushClipRect(cell_origin, ImVec2(cell_origin.x + cell_w - 6.0f, cell_origin.y + cell_h), true);
    ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(widgets::method_colour(k)), ImGuiColorEditFlags_NoTooltip,
                       ImVec2(12, 12));
    ImGui::SameLine();
    // A title cut at the cell's edge would lose the method: narrow cells get the compact one.
    const bool fits = ImGui::CalcTextSize(titles[k].c_str()).x + 24.0f <= cell_w;
    ImGui::TextUnformatted(fits ? titles[k].c_str() : heatmap_title(result, k, modes[k], true).c_str());
    if (!r.error.empty()) {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cell_w - 10.0f);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s", r.error.c_str());
      ImGui::PopTextWrapPos();
      ImGui::PopClipRect();
      ImGui::EndGroup();
      ImGui::PopID();
      continue;
    }
    const bool shows_difference = modes[k] == HeatmapMode::AbsDifference || modes[k] == HeatmapMode::SignedDifference;
    badge(ctx, r, shows_difference && compares_with_reference(result, k), !two_line_header, cell_origin.x + cell_w - 8.0f);
    ImGui::PopClipRect();
    const HeatmapImage& image = *images[k];
    const ColourRange& range = ranges[k];

    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    const ImVec2 p0(std::floor(cursor.x + label_margin), std::floor(cursor.y + line));
    ImGui::SetCursorScreenPos(p0);
    HeatmapDraw draw;
    draw.slot = static_cast<int>(k);
    draw.matrix_rows = result.queries;
    draw.matrix_cols = result.keys;
    draw.range = range;
    draw.zoom = v.zoom;
    draw.pan = v.pan;
    draw.width_px = width_px;
    draw.height_px = height_px;
    std::shared_ptr<const HeatmapOverview> pooled =
        grid.pooled() || streaming ? ctx.overviews.get(result.generation, {k, modes[k]}) : nullptr;
    const std::string overview_error = pooled ? pooled->error : std::string();
    if (pooled && !overview_error.empty()) pooled.reset();
    if (pooled) {
      draw.values = overview_values(pooled, v.reduction);
    } else if (!streaming) {
      draw.values = cell_values(image);
    }
    const ImTextureID texture = ctx.canvas.request(draw);
    ImGui::Image(texture, ImVec2(image_w, image_h), ImVec2(0, 1), ImVec2(1, 0));
    record_layout(ctx, "heatmap:" + std::to_string(k));
    ctx.scratch.heatmaps["heatmap:" + std::to_string(k)] = {
        {"method", r.spec},
        {"title", titles[k]},
        {"mode", static_cast<int>(modes[k])},
        {"lo", range.lo},
        {"hi", range.hi},
        {"log", range.log},
        {"colormap", std::string(colormap_name(range.map))},
        {"rows", result.queries},
        {"cols", result.keys},
        {"zoom", v.zoom},
        {"pan", {v.pan[0], v.pan[1]}},
        {"pooling", grid.pooled() ? pooling_text(grid, v.reduction, modes[k]) : std::string("1 cell per pixel or more")},
        {"grid", {grid.pixel_rows, grid.pixel_cols}},
        {"texture", {draw.values.rows, draw.values.cols}}};
    if (ImGui::IsItemHovered()) {
      zoom_and_pan(ctx, p0, ImVec2(image_w, image_h));
      const ImVec2 mouse = ImGui::GetIO().MousePos;
      const float u = v.pan[0] + (mouse.x - p0.x) / image_w / v.zoom;
      const float w = v.pan[1] + (mouse.y - p0.y) / image_h / v.zoom;
      const int j = std::clamp(static_cast<int>(u * static_cast<float>(result.keys)), 0, static_cast<int>(result.keys) - 1);
      const int i = std::clamp(static_cast<int>(w * static_cast<float>(result.queries)), 0, static_cast<int>(result.queries) - 1);
      const auto pixel = pooled ? overview_pixel(pooled->overview, i, j) : std::array<attn::Index, 2>{-1, -1};
      if (pixel[0] >= 0) {
        pooled_tooltip(ctx, r, pooled->overview, pixel[0], pixel[1], modes[k]);
      } else {
        if (!streaming) tooltip(ctx, r, i, j);
      }
      if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !ctx.scratch.dragging_heatmap) {
        v.selected_row = i;
        v.selected_method = static_cast<int>(k);
      }
    }
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) ctx.scratch.dragging_heatmap = false;
    // Marker of the selected row.
    if (v.selected_method == static_cast<int>(k) && !ctx.lesson.active()) {
      const float y = p0.y + ((static_cast<float>(v.selected_row) + 0.5f) / static_cast<float>(result.queries) - v.pan[1]) *
                                 v.zoom * image_h;
      if (y >= p0.y && y <= p0.y + image_h) {
        ImGui::GetWindowDrawList()->AddTriangleFilled(ImVec2(p0.x + image_w + 2.0f, y), ImVec2(p0.x + image_w + 9.0f, y - 5.0f),
                                                      ImVec2(p0.x + image_w + 9.0f, y + 5.0f), IM_COL32(255, 210, 80, 255));
      }
    }
    axis_labels(ctx, p0, ImVec2(image_w, image_h));
    // A heatmap of one colour says why, so it never passes for a broken panel.
    const char* overlay = nullptr;
    char floor_text[96];
    const bool difference = modes[k] == HeatmapMode::AbsDifference || modes[k] == HeatmapMode::SignedDifference;
    if (!overview_error.empty()) {
      overlay = overview_error.c_str();
    } else if (streaming && !stats_known[k]) {
      std::snprintf(floor_text, sizeof floor_text, "computing pixels\n%.0f%% (%.1f s)", ctx.overviews.progress().fraction * 100.0,
                    ctx.overviews.progress().seconds);
      overlay = floor_text;
    } else if (image.stats.undefined_rows == result.queries) {
      overlay = "every row\nundefined";
    } else if (difference && image.stats.max_abs == 0.0f) {
      // The display is float32: a float64 change below its resolution shows as exactly 0.
      std::snprintf(floor_text, sizeof floor_text, "no change\nmax |dW| %.2g", r.deviation.max_abs_diff);
      overlay = floor_text;
    } else if (range.all_zero || image.stats.max_all == 0.0f) {
      overlay = "all values\nare 0";
    } else if (range.log && image.stats.max_all < range.lo) {
      std::snprintf(floor_text, sizeof floor_text, "all below the\ncolour floor\n(max %.2g < %.2g)",
                    static_cast<double>(image.stats.max_all), static_cast<double>(range.lo));
      overlay = floor_text;
    } else if (!range.log && range.lo >= 0.0f && image.stats.max_all < range.hi * 1e-3f) {
      std::snprintf(floor_text, sizeof floor_text, "all below 1/1000\nof the scale\n(max %.2g)",
                    static_cast<double>(image.stats.max_all));
      overlay = floor_text;
    }
    if (overlay) {
      const float wrap = std::max(image_w - 16.0f, 40.0f);  // a long message (an engine refusal) wraps inside
      const ImVec2 size = ImGui::CalcTextSize(overlay, nullptr, false, wrap);
      const ImVec2 c(p0.x + image_w * 0.5f, p0.y + image_h * 0.5f);
      ImDrawList* list = ImGui::GetWindowDrawList();
      list->AddRectFilled(ImVec2(c.x - size.x * 0.5f - 4, c.y - size.y * 0.5f - 3), ImVec2(c.x + size.x * 0.5f + 4, c.y + size.y * 0.5f + 3),
                          IM_COL32(0, 0, 0, 200));
      list->AddText(nullptr, 0.0f, ImVec2(c.x - size.x * 0.5f, c.y - size.y * 0.5f), IM_COL32(235, 235, 235, 255), overlay,
                    nullptr, wrap);
    }
    if (!shared_bar) {
      ImGui::SetCursorScreenPos(ImVec2(p0.x + image_w + 12.0f, p0.y));
      const SignWords signs = difference_sign_words(result, k);
      widgets::ColourBar("bar", ImVec2(bar_width - 12.0f, image_h), range, &signs);
    }
    ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + image_h + 3.0f));
    if (result.weights_only || r.is_reference) {
      ImGui::TextDisabled("as loaded%s", range.log ? ", log scale" : "");
    } else if (!mode_line) {
      // Presenting: the demo controls set the mode of every heatmap.
    } else if (image_w < combo_width || presenting) {
      ImGui::TextDisabled("%s", kShortModeNames[static_cast<int>(modes[k])]);  // too narrow for a menu
    } else {
      ImGui::SetNextItemWidth(combo_width);
      int mode = static_cast<int>(modes[k]);
      if (ImGui::Combo("##mode", &mode, kShortModeNames, 4)) {
        for (std::size_t q = v.modes.size(); q < count; ++q) v.modes.push_back(v.mode);
        v.modes[k] = static_cast<HeatmapMode>(mode);
      }
      record_layout(ctx, "mode:" + std::to_string(k));
      if (range.log) {
        ImGui::SameLine();
        ImGui::TextDisabled("log");
      }
    }
    if (grid.pooled()) {
      // What a pixel is: on the mode's line when it fits, below it otherwise.
      const std::string text = pooling_text(grid, v.reduction, modes[k]) + (pooled && pooled->grid == grid ? "" : " (computing)");
      const float right = p0.x + image_w + bar_width;
      if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(text.c_str()).x <= right) {
        ImGui::SameLine();
      }
      ImGui::TextDisabled("%s", text.c_str());
    }
    ImGui::EndGroup();
    content_bottom = std::max(content_bottom, ImGui::GetItemRectMax().y);
    ImGui::PopID();
  }
  if (shared_bar) {
    // Next to the grid, as tall as the heatmaps of one row (at least a readable height).
    const float bar_height = std::max(image_h, std::min(cell_h * static_cast<float>(rows) - frame.top, line * 8.0f));
    ImGui::SetCursorScreenPos(ImVec2(grid_origin.x + cell_w * static_cast<float>(columns) + 8.0f, grid_origin.y + frame.top));
    const SignWords signs = difference_sign_words(result, static_cast<std::size_t>(first));
    widgets::ColourBar("shared bar", ImVec2(shared_bar_width - 8.0f, bar_height), ranges[static_cast<std::size_t>(first)], &signs);
    record_layout(ctx, "colour_bar");
  }
  ImGui::SetCursorScreenPos(ImVec2(grid_origin.x, std::max(content_bottom + 4.0f, grid_origin.y)));
  ImGui::PushTextWrapPos(grid_origin.x + avail.x + (shared_bar ? shared_bar_width : 0.0f) - ImGui::GetWindowPos().x);
  if (any_log_range) ImGui::TextDisabled("%s", kLogNote);
  if (any_undefined_rows) {
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

}  // namespace ax
