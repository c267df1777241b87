#include "figures/exports.hpp"

#include <algorithm>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "figures/heatmap_ranges.hpp"
#include "figures/png_file.hpp"

namespace ax {
namespace {

void require_matrix(const std::string& path, const HeatmapImage& image) {
  if (!image.values) throw attn::InputError(path + ": nothing to export yet");
  if (image.values->size() == 0) {
    throw attn::InputError(path +
                           ": the weights are streamed at this size (never held), so there is no matrix to save");
  }
}

void write_picture(const std::string& path, const CellGrid& cells, const ColourRange& range,
                   const HeatmapPngOptions& options) {
  check_export_size(path, cells.rows, cells.cols, options.scale);
  const RgbImage picture = heatmap_picture(cells, range, options);
  write_png_rgb(path, picture.pixels.data(), picture.width, picture.height);
}

HeatmapPngOptions png_options(const PngExtras& extras, const ComputeResult& result, std::size_t method,
                              HeatmapMode mode, const ColourRange& range, bool hide_answers) {
  HeatmapPngOptions options;
  options.scale = extras.scale;
  options.colour_bar = extras.colour_bar;
  if (extras.title) options.title = heatmap_export_title(result, method, mode, range);
  if (extras.badge) options.badge = heatmap_badge(result, method, mode, hide_answers);
  options.signs = difference_sign_words(result, method);
  return options;
}

// Streaming: the ranges from each heatmap's whole overview (as the grid takes them), and the
// pooled pixels on screen, each a block small enough for a picture of at most 2048 pixels a side.
void export_streamed_heatmap_png(const std::string& path, const OverviewService& overviews,
                                 const std::shared_ptr<const ComputeResult>& result, const ViewSettings& view,
                                 bool hide_answers, std::size_t method, PngExtras extras) {
  const std::size_t count = result->methods.size();
  std::vector<HeatmapImage> streamed(count);
  std::vector<RangeMember> members(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (!result->methods[k].error.empty()) continue;
    const HeatmapMode shown = shown_mode(*result, view, k, hide_answers);
    if (const auto stats = overviews.whole_stats(result->generation, {k, shown})) streamed[k].stats = *stats;
    members[k] = streamed_range_member(&streamed[k], shown);
  }
  const HeatmapMode mode = members[method].mode;
  const ColourRange range = shown_colour_ranges(view, members)[method];
  const std::shared_ptr<const HeatmapOverview> pooled = overviews.get(result->generation, {method, mode});
  if (!pooled || !pooled->error.empty() || !overviews.whole_stats(result->generation, {method, mode})) {
    throw attn::InputError(
        path + ": the weights are streamed at this size (never held), and the pixels on screen are " +
        (pooled && !pooled->error.empty() ? "not available: " + pooled->error : std::string("not computed yet")));
  }
  const attn::Overview& o = pooled->overview;  // `pooled` holds it
  const attn::Index side = std::max<attn::Index>({o.pixel_rows, o.pixel_cols, 1});
  extras.scale = static_cast<int>(std::clamp<attn::Index>(std::min<attn::Index>(extras.scale, 2048 / side), 1, 32));
  const bool mean = view.reduction == PixelReduction::Mean;
  HeatmapPngOptions options = png_options(extras, *result, method, mode, range, hide_answers);
  if (!options.title.empty()) options.title += mean ? ", pooled mean" : ", pooled max";
  export_overview_png(path, o, mean, range, options);
}

}  // namespace

void export_shown_heatmap_png(const std::string& path, HeatmapImages& cache, const OverviewService& overviews,
                              const std::shared_ptr<const ComputeResult>& result, const ViewSettings& view,
                              bool hide_answers, std::size_t method, const PngExtras& extras) {
  if (!result || method >= result->methods.size()) throw attn::InputError(path + ": nothing to export yet");
  if (!result->methods[method].error.empty())
    throw attn::InputError(path + ": the heatmap has an error: nothing to export");
  if (result->path == ComputePath::Streaming) {
    export_streamed_heatmap_png(path, overviews, result, view, hide_answers, method, extras);
    return;
  }
  const ShownHeatmaps shown = shown_heatmaps(cache, result, view, hide_answers);
  // A copy: holds its matrix while it is read.
  const HeatmapImage image = cache.with_values(result, method, shown.modes[method]);
  const ColourRange range = shown.ranges[method];
  export_heatmap_png(path, image, range,
                     png_options(extras, *result, method, shown.modes[method], range, hide_answers));
}

void export_matrix(const std::string& path, const HeatmapImage& image) {
  require_matrix(path, image);
  const attn::MatF& m = *image.values;
  attn::write_array_file(path, m.data(), {m.rows(), m.cols()});
}

Rgb heatmap_cell_colour(const HeatmapImage& image, const ColourRange& range, attn::Index i, attn::Index j) {
  return colormap_colour(range.map, normalized_value((*image.values)(i, j), range));
}

void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range,
                        const HeatmapPngOptions& options) {
  require_matrix(path, image);
  // `held` keeps the matrix alive while it is read, whatever happens to the image cache.
  const std::shared_ptr<const attn::MatF> held = image.values;
  write_picture(path, {held->data(), held->rows(), held->cols()}, range, options);
}

void export_heatmap_png(const std::string& path, const HeatmapImage& image, const ColourRange& range, int scale) {
  HeatmapPngOptions options;
  options.scale = scale;
  export_heatmap_png(path, image, range, options);
}

void export_overview_png(const std::string& path, const attn::Overview& overview, bool mean, const ColourRange& range,
                         const HeatmapPngOptions& options) {
  const std::vector<float>& pixels = mean ? overview.mean : overview.peak;
  if (overview.pixel_rows < 1 || overview.pixel_cols < 1 ||
      pixels.size() != static_cast<std::size_t>(overview.pixel_rows * overview.pixel_cols)) {
    throw attn::InputError(path + ": the heatmap's pixels are not computed yet");
  }
  write_picture(path, {pixels.data(), overview.pixel_rows, overview.pixel_cols}, range, options);
}

}  // namespace ax
