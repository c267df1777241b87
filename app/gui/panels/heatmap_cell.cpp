#include "panels/heatmap_cell.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "figures/axis_ticks.hpp"
#include "figures/heatmap_ranges.hpp"
#include "figures/heatmap_titles.hpp"
#include "panels/heatmap_readout.hpp"
#include "panels/method_colours.hpp"
#include "panels/model_view.hpp"
#include "panels/row_mass_strip.hpp"
#include "panels/ui_context.hpp"
#include "widgets/colour_bar.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

constexpr const char* kShortModeNames[] = {"clean", "perturbed", "|diff|", "signed diff"};

bool is_difference(HeatmapMode mode) {
  return mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
}

// Zoom about the cursor with the wheel, pan by dragging, reset with a double click. Shared by
// every heatmap so they stay aligned.
void zoom_and_pan(UiContext& ctx, ImVec2 p0, ImVec2 size) {
  ViewSettings& v = ctx.state.view;
  ImGuiIO& io = ImGui::GetIO();
  const float fx = (io.MousePos.x - p0.x) / size.x, fy = (io.MousePos.y - p0.y) / size.y;
  if (io.MouseWheel != 0.0f) {
    const float u = v.pan[0] + fx / v.zoom, w = v.pan[1] + fy / v.zoom;
    v.zoom = std::clamp(v.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, kMaxZoom);
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

HeatmapValues overview_values(const std::shared_ptr<const HeatmapOverview>& pooled, PixelReduction reduction) {
  const attn::Overview& o = pooled->overview;
  const std::vector<float>& pixels =
      o.values(reduction == PixelReduction::Mean ? attn::PoolReduction::Mean : attn::PoolReduction::Max);
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
  if (!pooled->complete()) {
    // Only the bands done so far: they cover the top of the window, the rest stays empty.
    values.rows = static_cast<int>(pooled->rows_done);
    values.window_rows = pooled->rows_done > 0 ? o.block_rows(pooled->rows_done - 1).second - o.window.row_begin : 0;
  }
  values.window_cols = o.window.cols();
  return values;
}

// The longest of `texts` that fits whole before `right_edge` (a cut-off note reads as something
// else), beside the title or on its own line; none when none fits.
void whole_note(std::initializer_list<const char*> texts, bool same_line, float right_edge) {
  for (const char* text : texts) {
    const float x =
        same_line ? ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x : ImGui::GetCursorScreenPos().x;
    if (x + ImGui::CalcTextSize(text).x > right_edge) continue;
    if (same_line) ImGui::SameLine();
    ImGui::TextDisabled("%s", text);
    return;
  }
}

// The verdict on this method's perturbation: on the title's line, or on its own line below when
// the cell is narrow.
void badge(const UiContext& ctx, const MethodResult& r, bool versus_model, bool same_line, float right_edge) {
  if (ctx.result->weights_only) return;
  if (r.is_reference) return draw_reference_badge(ctx, same_line, right_edge);
  if (versus_model) return draw_versus_model_badge(r, ctx.result->perturbed, same_line, right_edge);
  if (ctx.hide_answers) return whole_note({"(answer hidden)", "(hidden)"}, same_line, right_edge);
  if (!ctx.result->perturbed) return whole_note({"no perturbation", "no noise"}, same_line, right_edge);
  if (r.deviation.compared_rows == 0) {  // streaming a method that normalises columns: not compared
    return whole_note({"not compared at this size", "not compared"}, same_line, right_edge);
  }
  const InvarianceBadge b = invariance_badge(r, ctx.result->use_double);
  if (same_line) ImGui::SameLine();
  if (b.unchanged) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kUnchangedColour), "unchanged");
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kChangedColour), "changed");
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("max |perturbed - clean| = %.3g%s\n'unchanged' means at most %.0e, the rounding of %s",
                      b.max_abs_diff,
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
  // Each key label takes its own width (a long token is cut at kMaxKeyLabel), so short tokens are
  // not spaced as widely as the longest one.
  constexpr float kMaxKeyLabel = 90.0f;
  const auto key_width = [&](attn::Index j) {
    return std::min(ImGui::CalcTextSize(label(data.key_labels, j).c_str()).x, kMaxKeyLabel);
  };
  draw->PushClipRect(ImVec2(p0.x - 200.0f, p0.y - line - 2.0f), ImVec2(p0.x + size.x, p0.y + size.y), true);
  for (attn::Index j : heatmap_label_ticks(
           m, v.pan[0], v.zoom, size.x, [&](attn::Index k) { return static_cast<double>(key_width(k)); }, 8.0)) {
    const float x = p0.x + (static_cast<float>(j) + 0.5f) * cell_w - v.pan[0] * size.x * v.zoom;
    const std::string text = label(data.key_labels, j);
    const float w = key_width(j);
    if (x - w * 0.5f < p0.x - 4.0f || x + w * 0.5f > p0.x + size.x + 4.0f) continue;  // a cut label reads as another
    // A label wider than its room is clipped to it, never drawn over its neighbour.
    const ImVec4 clip(x - w * 0.5f, p0.y - line - 2.0f, x + w * 0.5f + 1.0f, p0.y);
    draw->AddText(nullptr, 0.0f, ImVec2(x - w * 0.5f, p0.y - line - 1.0f), colour, text.c_str(), nullptr, 0.0f, &clip);
  }
  draw->PopClipRect();
  draw->PushClipRect(ImVec2(p0.x - 200.0f, p0.y - line * 0.5f), ImVec2(p0.x, p0.y + size.y + line * 0.5f), true);
  for (attn::Index i : heatmap_axis_ticks(n, v.pan[1], v.zoom, size.y, line + 2.0f)) {
    const float y = p0.y + (static_cast<float>(i) + 0.5f) * cell_h - v.pan[1] * size.y * v.zoom;
    const std::string text = label(data.query_labels, i);
    const float w = ImGui::CalcTextSize(text.c_str()).x;
    draw->AddText(ImVec2(p0.x - w - 4.0f, y - line * 0.5f), colour, text.c_str());
  }
  draw->PopClipRect();
}

// Title and badge; false when the method has an error (said in the cell instead of a heatmap).
bool cell_header(UiContext& ctx, std::size_t k, const GridImages& g, const GridLayout& l) {
  const ComputeResult& result = *ctx.result;
  const MethodResult& r = result.methods[k];
  const float cell_w = l.choice.cell_w, cell_h = l.choice.cell_h;
  // The title never runs into the next cell.
  const ImVec2 cell_origin = ImGui::GetCursorScreenPos();
  ImGui::PushClipRect(cell_origin, ImVec2(cell_origin.x + cell_w - 6.0f, cell_origin.y + cell_h), true);
  ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(result_method_colour(ctx, k)), ImGuiColorEditFlags_NoTooltip,
                     ImVec2(12, 12));
  ImGui::SameLine();
  // A title cut at the cell's edge would lose the method: narrow cells get the compact one.
  const bool fits = ImGui::CalcTextSize(l.titles[k].c_str()).x + 24.0f <= cell_w;
  ImGui::TextUnformatted(fits ? l.titles[k].c_str() : heatmap_title(result, k, g.modes[k], true).c_str());
  if (!r.error.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cell_w - 10.0f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s", r.error.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopClipRect();
    return false;
  }
  badge(ctx, r, is_difference(g.modes[k]) && compares_with_reference(result, k), !l.choice.two_line_header,
        cell_origin.x + cell_w - 8.0f);
  ImGui::PopClipRect();
  return true;
}

// The image itself (cells, or the pooled pixels of the view) and what the report says of it.
// Returns the overview drawn, if any (null when the cells are drawn or it is not there yet).
std::shared_ptr<const HeatmapOverview> cell_image(UiContext& ctx, std::size_t k, const GridImages& g,
                                                  const GridLayout& l, std::string& overview_error) {
  const ComputeResult& result = *ctx.result;
  const ViewSettings& v = ctx.state.view;
  const bool streaming = result.path == ComputePath::Streaming;
  const bool pooled_view = l.view.pooled() || streaming;
  HeatmapDraw draw;
  draw.slot = static_cast<int>(k);
  draw.matrix_rows = result.queries;
  draw.matrix_cols = result.keys;
  draw.range = g.ranges[k];
  draw.zoom = v.zoom;
  draw.pan = v.pan;
  draw.width_px = l.width_px;
  draw.height_px = l.height_px;
  std::shared_ptr<const HeatmapOverview> pooled =
      pooled_view ? ctx.app.pictures().overviews().get(result.generation, {k, g.modes[k]}) : nullptr;
  overview_error = pooled ? pooled->error : std::string();
  if (pooled && !overview_error.empty()) pooled.reset();
  std::shared_ptr<const HeatmapOverview> previous;
  if (pooled_view && !pooled && overview_error.empty())
    previous = ctx.app.pictures().overviews().latest({k, g.modes[k]});
  if (pooled) {
    draw.values = overview_values(pooled, v.reduction);
  } else if (previous && previous->error.empty() && previous->grid == l.view && previous->complete()) {
    // The previous result's pixels until this one's arrive (a few frames): never a whole n x m
    // texture uploaded in between.
    draw.values = overview_values(previous, v.reduction);
  } else if (!streaming && (!l.view.pooled() || !overview_error.empty())) {
    // Cells only where they are what is shown: a pooled view waits a few frames for its pixels
    // rather than uploading the whole matrix for one frame.
    draw.values = cell_values(ctx.app.pictures().images().with_values(ctx.result, k, g.modes[k]));
  }
  const ImTextureID texture = ctx.canvas.request(draw);
  ImGui::Image(texture, ImVec2(l.choice.image_w, l.choice.image_h), ImVec2(0, 1), ImVec2(1, 0));
  record_layout(ctx, "heatmap:" + std::to_string(k));
  const ColourRange& range = g.ranges[k];
  ctx.scratch.drawn.heatmaps["heatmap:" + std::to_string(k)] = {
      {"method", result.methods[k].spec},
      {"title", l.titles[k]},
      {"mode", static_cast<int>(g.modes[k])},
      {"lo", range.lo},
      {"hi", range.hi},
      {"log", range.log},
      {"colormap", std::string(colormap_name(range.map))},
      {"rows", result.queries},
      {"cols", result.keys},
      {"zoom", v.zoom},
      {"pan", {v.pan[0], v.pan[1]}},
      {"pooling",
       l.view.pooled() ? pooling_text(l.view, v.reduction, g.modes[k]) : std::string("1 cell per pixel or more")},
      {"grid", {l.view.pixel_rows, l.view.pixel_cols}},
      {"texture", {draw.values.rows, draw.values.cols}}};
  return pooled;
}

// Hover readout, zoom and pan, a click selects the row; the selected row's marker.
void cell_interaction(UiContext& ctx, std::size_t k, const GridImages& g, const GridLayout& l, ImVec2 p0,
                      const std::shared_ptr<const HeatmapOverview>& pooled) {
  const ComputeResult& result = *ctx.result;
  ViewSettings& v = ctx.state.view;
  const float image_w = l.choice.image_w, image_h = l.choice.image_h;
  if (ImGui::IsItemHovered()) {
    zoom_and_pan(ctx, p0, ImVec2(image_w, image_h));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float u = v.pan[0] + (mouse.x - p0.x) / image_w / v.zoom;
    const float w = v.pan[1] + (mouse.y - p0.y) / image_h / v.zoom;
    const int j =
        std::clamp(static_cast<int>(u * static_cast<float>(result.keys)), 0, static_cast<int>(result.keys) - 1);
    const int i =
        std::clamp(static_cast<int>(w * static_cast<float>(result.queries)), 0, static_cast<int>(result.queries) - 1);
    const auto pixel = pooled ? overview_pixel(pooled->overview, i, j) : std::array<attn::Index, 2>{-1, -1};
    if (pixel[0] >= 0 && !pooled->complete() && pixel[0] >= pooled->rows_done) {
      ImGui::SetTooltip("rows %d.. are still being computed",
                        static_cast<int>(pooled->overview.block_rows(pixel[0]).first));
    } else if (pixel[0] >= 0) {
      pixel_readout(ctx, result.methods[k], pooled->overview, pixel[0], pixel[1], g.modes[k]);
    } else if (result.path != ComputePath::Streaming) {
      cell_readout(ctx, result.methods[k], i, j);
    }
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !ctx.scratch.dragging_heatmap) {
      v.selected_row = i;
      v.selected_method = static_cast<int>(k);
    }
  }
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) ctx.scratch.dragging_heatmap = false;
  if (v.selected_method == static_cast<int>(k) && !ctx.app.lesson().active()) {
    const float y =
        p0.y + ((static_cast<float>(v.selected_row) + 0.5f) / static_cast<float>(result.queries) - v.pan[1]) * v.zoom *
                   image_h;
    if (y >= p0.y && y <= p0.y + image_h) {
      ImGui::GetWindowDrawList()->AddTriangleFilled(
          ImVec2(p0.x + image_w + 2.0f, y), ImVec2(p0.x + image_w + 9.0f, y - 5.0f),
          ImVec2(p0.x + image_w + 9.0f, y + 5.0f), IM_COL32(255, 210, 80, 255));
    }
  }
}

// A heatmap of one colour says why, so it never passes for a broken panel.
void cell_overlay(UiContext& ctx, std::size_t k, const GridImages& g, const GridLayout& l, ImVec2 p0,
                  const std::string& overview_error) {
  const ComputeResult& result = *ctx.result;
  const HeatmapImage& image = *g.images[k];
  const ColourRange& range = g.ranges[k];
  const char* overlay = nullptr;
  char text[96];
  if (!overview_error.empty()) {
    overlay = overview_error.c_str();
  } else if (result.path == ComputePath::Streaming && !g.stats_known[k]) {
    std::snprintf(text, sizeof text, "computing pixels\n%.0f%% (%.1f s)",
                  ctx.app.pictures().overviews().progress().fraction * 100.0,
                  ctx.app.pictures().overviews().progress().seconds);
    overlay = text;
  } else if (image.stats.undefined_rows == result.queries) {
    overlay = "every row\nundefined";
  } else if (is_difference(g.modes[k]) && image.stats.max_abs == 0.0f) {
    // The display is float32: a float64 change below its resolution shows as exactly 0.
    std::snprintf(text, sizeof text, "no change\nmax |dW| %.2g", result.methods[k].deviation.max_abs_diff);
    overlay = text;
  } else if (range.all_zero ||
             (g.modes[k] == HeatmapMode::SignedDifference ? image.stats.max_abs : image.stats.max_all) == 0.0f) {
    overlay = "all values\nare 0";
  } else if (range.log && image.stats.max_all < range.lo) {
    std::snprintf(text, sizeof text, "all below the\ncolour floor\n(max %.2g < %.2g)",
                  static_cast<double>(image.stats.max_all), static_cast<double>(range.lo));
    overlay = text;
  } else if (!range.log && range.lo >= 0.0f && image.stats.max_all < range.hi * 1e-3f) {
    std::snprintf(text, sizeof text, "all below 1/1000\nof the scale\n(max %.2g)",
                  static_cast<double>(image.stats.max_all));
    overlay = text;
  }
  if (!overlay) return;
  const float image_w = l.choice.image_w, image_h = l.choice.image_h;
  const float wrap = std::max(image_w - 16.0f, 40.0f);  // a long message (an engine refusal) wraps inside
  // A note of several short lines on a small heatmap keeps the lines that fit whole: wrapping
  // would break a number after its decimal point ("5." / "6e-17").
  std::string kept;
  if (std::strchr(overlay, '\n')) {
    std::string note(overlay);
    for (std::size_t at = 0; at <= note.size();) {
      const std::size_t end = std::min(note.find('\n', at), note.size());
      const std::string line = note.substr(at, end - at);
      if (ImGui::CalcTextSize(line.c_str()).x <= wrap || kept.empty()) kept += (kept.empty() ? "" : "\n") + line;
      at = end + 1;
    }
    overlay = kept.c_str();
  }
  // Notes of short lines are not wrapped (a word split in two reads as another); only a long
  // message (an engine refusal) wraps inside the image.
  const float wrap_at = kept.empty() ? wrap : 0.0f;
  const ImVec2 size = ImGui::CalcTextSize(overlay, nullptr, false, wrap_at);
  const ImVec2 c(p0.x + image_w * 0.5f, p0.y + image_h * 0.5f);
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(ImVec2(c.x - size.x * 0.5f - 4, c.y - size.y * 0.5f - 3),
                      ImVec2(c.x + size.x * 0.5f + 4, c.y + size.y * 0.5f + 3), IM_COL32(0, 0, 0, 200));
  list->AddText(nullptr, 0.0f, ImVec2(c.x - size.x * 0.5f, c.y - size.y * 0.5f), IM_COL32(235, 235, 235, 255), overlay,
                nullptr, wrap_at);
}

// Its own colour bar (when the grid has no shared one), the mode menu and what a pixel is.
void cell_footer(UiContext& ctx, std::size_t k, const GridImages& g, const GridLayout& l, ImVec2 p0,
                 const std::shared_ptr<const HeatmapOverview>& pooled) {
  const ComputeResult& result = *ctx.result;
  ViewSettings& v = ctx.state.view;
  const ColourRange& range = g.ranges[k];
  const float image_w = l.choice.image_w, image_h = l.choice.image_h;
  if (!l.shared_bar) {
    ImGui::SetCursorScreenPos(ImVec2(p0.x + image_w + 12.0f + l.strip_space, p0.y));
    const SignWords signs = difference_sign_words(result, k);
    widgets::ColourBar("bar", ImVec2(l.bar_width - 12.0f, image_h), range, &signs);
  }
  ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + image_h + 3.0f));
  if (result.weights_only || result.methods[k].is_reference) {
    ImGui::TextDisabled("as loaded%s", range.log ? ", log scale" : "");
  } else if (!l.mode_line) {
    // Presenting: the demo controls set the mode of every heatmap.
  } else if (image_w < l.combo_width || v.presentation) {
    ImGui::TextDisabled("%s", kShortModeNames[static_cast<int>(g.modes[k])]);  // too narrow for a menu
  } else {
    ImGui::SetNextItemWidth(l.combo_width);
    int mode = static_cast<int>(g.modes[k]);
    if (ImGui::Combo("##mode", &mode, kShortModeNames, 4)) {
      for (std::size_t q = v.modes.size(); q < result.methods.size(); ++q) v.modes.push_back(v.mode);
      v.modes[k] = static_cast<HeatmapMode>(mode);
    }
    record_layout(ctx, "mode:" + std::to_string(k));
    if (range.log) {
      ImGui::SameLine();
      ImGui::TextDisabled("log");
    }
  }
  if (l.view.pooled()) {
    // What a pixel is: on the mode's line when it fits.
    std::string state = pooled && pooled->grid == l.view ? "" : " (computing)";
    if (pooled && !pooled->complete()) {
      char rows[96];
      std::snprintf(rows, sizeof rows, " (rows 0..%ld of %ld so far)",
                    static_cast<long>(pooled->overview.block_rows(pooled->rows_done - 1).second - 1),
                    static_cast<long>(result.queries));
      state = rows;
    }
    // On the mode's line, the full text or else the compact one; never on a line of its own,
    // which the cell's height does not hold (it ran into the next heatmap's title). What does not
    // fit is in the tooltip of the mode's line.
    const float right = p0.x + image_w + l.bar_width + l.strip_space;
    const float left = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
    const std::string full = pooling_text(l.view, v.reduction, g.modes[k]) + state;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", full.c_str());
    std::string text = full;
    if (left + ImGui::CalcTextSize(text.c_str()).x > right) {
      text = pooling_text(l.view, v.reduction, g.modes[k], true) + state;
    }
    if (left + ImGui::CalcTextSize(text.c_str()).x <= right) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", text.c_str());
    }
  }
}

}  // namespace

float mode_combo_width() {
  float width = 0.0f;
  for (const char* name : kShortModeNames) width = std::max(width, ImGui::CalcTextSize(name).x);
  return width + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2.0f + 4.0f;
}

float draw_heatmap_cell(UiContext& ctx, std::size_t k, const GridImages& g, const GridLayout& l) {
  const int columns = l.choice.columns;
  const int col = static_cast<int>(k) % columns, row = static_cast<int>(k) / columns;
  ImGui::SetCursorScreenPos(ImVec2(l.origin.x + static_cast<float>(col) * l.choice.cell_w,
                                   l.origin.y + static_cast<float>(row) * l.choice.cell_h));
  ImGui::PushID(static_cast<int>(k));
  ImGui::BeginGroup();
  if (cell_header(ctx, k, g, l)) {
    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    const ImVec2 p0(std::floor(cursor.x + l.label_margin),
                    std::floor(cursor.y + ImGui::GetTextLineHeightWithSpacing()));
    ImGui::SetCursorScreenPos(p0);
    std::string overview_error;
    const std::shared_ptr<const HeatmapOverview> pooled = cell_image(ctx, k, g, l, overview_error);
    cell_interaction(ctx, k, g, l, p0, pooled);
    axis_labels(ctx, p0, ImVec2(l.choice.image_w, l.choice.image_h));
    cell_overlay(ctx, k, g, l, p0, overview_error);
    if (l.strip_space > 0.0f) {
      draw_row_mass_strip(ctx, k, g.modes[k], ImVec2(p0.x + l.choice.image_w + 12.0f, p0.y), l.choice.image_h);
    }
    cell_footer(ctx, k, g, l, p0, pooled);
  }
  ImGui::EndGroup();
  const float bottom = ImGui::GetItemRectMax().y;
  ImGui::PopID();
  return bottom;
}

}  // namespace ax
