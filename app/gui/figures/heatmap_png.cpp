#include "figures/heatmap_png.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/base/errors.hpp"
#include "figures/heatmap_titles.hpp"
#include "figures/reference_verdict.hpp"

namespace ax {
namespace {

constexpr Rgb kHatchLight{128, 128, 128};
constexpr Rgb kHatchDark{77, 77, 77};
constexpr Rgb kBackground{21, 22, 26};
constexpr Rgb kText{225, 225, 230};
constexpr Rgb kBarBorder{180, 180, 190};
constexpr Rgb kUnchanged{70, 190, 110};  // widgets::kUnchangedColour
constexpr Rgb kChanged{235, 120, 60};    // widgets::kChangedColour

// The cells at (x0, y0), `scale` pixels each; undefined cells hatched as the shader does.
void draw_cells(RgbImage& out, int x0, int y0, const CellGrid& cells, const ColourRange& range, int scale) {
  for (attn::Index i = 0; i < cells.rows; ++i) {
    const float* row = cells.data + i * cells.cols;
    for (attn::Index j = 0; j < cells.cols; ++j) {
      const float v = row[j];
      const int x = static_cast<int>(j) * scale, y = static_cast<int>(i) * scale;
      if (!std::isnan(v)) {
        out.fill_rect(x0 + x, y0 + y, scale, scale, colormap_colour(range.map, normalized_value(v, range)));
        continue;
      }
      for (int dy = 0; dy < scale; ++dy) {
        for (int dx = 0; dx < scale; ++dx) {
          out.set(x0 + x + dx, y0 + y + dy, ((x + dx + y + dy) % 12 < 6) ? kHatchLight : kHatchDark);
        }
      }
    }
  }
}

struct BarGeometry {
  int x = 0, top = 0, width = 0, height = 0;
};

void draw_colour_bar(RgbImage& out, const BarGeometry& bar, const ColourRange& range, const SignWords& signs,
                     int font) {
  for (int y = 0; y < bar.height; ++y) {
    const double t = 1.0 - (static_cast<double>(y) + 0.5) / static_cast<double>(bar.height);
    out.fill_rect(bar.x, bar.top + y, bar.width, 1, colormap_colour(range.map, t));
  }
  out.fill_rect(bar.x - 1, bar.top - 1, bar.width + 2, 1, kBarBorder);
  out.fill_rect(bar.x - 1, bar.top + bar.height, bar.width + 2, 1, kBarBorder);
  out.fill_rect(bar.x - 1, bar.top - 1, 1, bar.height + 2, kBarBorder);
  out.fill_rect(bar.x + bar.width, bar.top - 1, 1, bar.height + 2, kBarBorder);
  const int line = text_height(font);
  for (const ColourBarLabel& label :
       colour_bar_labels(range, static_cast<float>(bar.height), static_cast<float>(line))) {
    const int y = bar.top + static_cast<int>(std::lround((1.0f - label.position) * static_cast<float>(bar.height - 1)));
    out.fill_rect(bar.x + bar.width + 1, y, 2 * font + 1, std::max(1, font / 2), kText);
    draw_text(out, bar.x + bar.width + 4 * font, y - 7 * font / 2, label.text, kText, font);
  }
  if (is_signed_range(range)) {
    const int gap = 3 * font;
    draw_text(out, bar.x, bar.top - line / 2 - gap - line, signs.positive(), kText, font);
    draw_text(out, bar.x, bar.top + bar.height + line / 2 + gap, signs.negative(), kText, font);
  }
}

}  // namespace

void check_export_size(const std::string& path, attn::Index rows, attn::Index cols, long scale) {
  if (scale < 1) throw attn::InputError(path + ": the scale must be at least 1");
  if (rows < 1 || cols < 1) throw attn::InputError(path + ": nothing to export");
  // Each side first (no product of unchecked numbers), then the area.
  if (rows > kMaxExportSide / scale || cols > kMaxExportSide / scale ||
      static_cast<long>(rows) * scale * static_cast<long>(cols) * scale > kMaxExportPixels) {
    throw attn::InputError(path + ": " + std::to_string(cols) + " x " + std::to_string(rows) + " cells at " +
                           std::to_string(scale) + " pixels each is too large (at most " +
                           std::to_string(kMaxExportSide) + " pixels a side and " +
                           std::to_string(kMaxExportPixels / (1024 * 1024)) + " M pixels); use a smaller scale");
  }
}

RgbImage heatmap_picture(const CellGrid& cells, const ColourRange& range, const HeatmapPngOptions& options) {
  const int scale = options.scale;
  check_export_size("heatmap picture", cells.rows, cells.cols, scale);
  const int hw = static_cast<int>(cells.cols) * scale, hh = static_cast<int>(cells.rows) * scale;
  const bool decorated = options.colour_bar || !options.title.empty() || !options.badge.text.empty();
  if (!decorated) {
    RgbImage out(hw, hh, kBackground);
    draw_cells(out, 0, 0, cells, range, scale);
    return out;
  }
  // Text grows with the picture so it stays readable beside a large heatmap.
  const int font = std::clamp(std::max(hw, hh) / 320 + 1, 1, 4);
  const int line = text_height(font), spacing = line + 2 * font, pad = 4 * font;
  const bool words = options.colour_bar && is_signed_range(range);
  int y = pad;
  const int title_y = y;
  if (!options.title.empty()) y += spacing;
  const int badge_y = y;
  if (!options.badge.text.empty()) y += spacing;
  if (words) y += spacing + 3 * font;
  if (options.colour_bar) y += line / 2 + 1;
  BarGeometry bar;
  bar.top = y;
  bar.height = options.colour_bar ? std::max(hh, 8 * spacing) : 0;
  bar.width = options.colour_bar ? 6 * font + 4 : 0;
  bar.x = pad + hw + 6 * font;
  int right = pad + hw;
  if (options.colour_bar) {
    int labels = 0;
    for (const ColourBarLabel& label :
         colour_bar_labels(range, static_cast<float>(bar.height), static_cast<float>(line))) {
      labels = std::max(labels, text_width(label.text, font));
    }
    right = std::max(right, bar.x + bar.width + 4 * font + labels);
    if (words) {
      right = std::max({right, bar.x + text_width(options.signs.positive(), font),
                        bar.x + text_width(options.signs.negative(), font)});
    }
  }
  right = std::max({right, pad + text_width(options.title, font), pad + text_width(options.badge.text, font)});
  int bottom = bar.top + std::max(hh, bar.height);
  if (options.colour_bar) bottom += line / 2 + 1;
  if (words) bottom += spacing + 3 * font;
  RgbImage out(right + pad, bottom + pad, kBackground);
  if (!options.title.empty()) draw_text(out, pad, title_y, options.title, kText, font);
  if (!options.badge.text.empty()) draw_text(out, pad, badge_y, options.badge.text, options.badge.colour, font);
  draw_cells(out, pad, bar.top, cells, range, scale);
  if (options.colour_bar) draw_colour_bar(out, bar, range, options.signs, font);
  return out;
}

std::string heatmap_export_title(const ComputeResult& result, std::size_t method, HeatmapMode mode,
                                 const ColourRange& range) {
  constexpr const char* kModes[] = {"clean", "perturbed", "|difference|", "signed difference"};
  std::string title = heatmap_title(result, method, mode) + " - " + kModes[static_cast<int>(mode)];
  if (range.log) title += ", log scale";
  return title;
}

BadgeText heatmap_badge(const ComputeResult& result, std::size_t method, HeatmapMode mode, bool hide_answers) {
  BadgeText badge;
  if (result.weights_only || method >= result.methods.size()) return badge;
  const MethodResult& r = result.methods[method];
  char text[160];
  const bool difference = mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
  if (r.is_reference) {
    const ReferenceVerdict verdict = reference_verdict(result, result.mask_setting);
    std::snprintf(text, sizeof text, "%s  max|dW| %.2g", verdict.label.c_str(), result.own_f_vs_reference.max_abs_diff);
    const bool neutral = verdict.match == ReferenceMatch::AfterDropout || verdict.match == ReferenceMatch::NoRows;
    return {text, neutral ? badge.colour : verdict.agrees() ? kUnchanged : kChanged};
  }
  if (difference && compares_with_reference(result, method)) {
    std::snprintf(text, sizeof text, "vs model  max|dW| %.2g", r.vs_reference.max_abs_diff);
    return {text, badge.colour};
  }
  if (hide_answers) return {"(answer hidden)", badge.colour};
  if (!result.perturbed) return {"no perturbation", badge.colour};
  if (r.deviation.compared_rows == 0) return {"not compared at this size", badge.colour};
  const InvarianceBadge b = invariance_badge(r, result.use_double);
  const long undefined = static_cast<long>(r.deviation.undefined_rows);
  std::snprintf(text, sizeof text, "%s  max|dW| %.2g", b.unchanged ? "unchanged" : "changed", b.max_abs_diff);
  std::string line = text;
  if (undefined > 0) line += ", " + std::to_string(undefined) + " undefined row" + (undefined == 1 ? "" : "s");
  return {line, b.unchanged ? kUnchanged : kChanged};
}

}  // namespace ax
