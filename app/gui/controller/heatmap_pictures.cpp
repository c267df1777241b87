#include "controller/heatmap_pictures.hpp"

#include <utility>

#include "attn/base/errors.hpp"
#include "figures/heatmap_ranges.hpp"

namespace ax {
namespace {

void require_result(const std::string& path, const std::shared_ptr<const ComputeResult>& result) {
  if (!result || result->methods.empty()) throw attn::InputError(path + ": nothing computed yet to export");
}

}  // namespace

bool HeatmapPictures::request_overviews(const std::shared_ptr<const ComputeResult>& result,
                                        const std::optional<OverviewAsk>& ask) {
  const bool settle = std::exchange(settle_, false);
  if (!ask || !result) return false;
  overviews_.request(result, ask->items, ask->grid, ask->whole);
  if (!settle) return false;
  overviews_.wait_until_idle();  // the final picture, with its colour range
  return true;
}

void HeatmapPictures::export_matrix(const std::string& path, const std::shared_ptr<const ComputeResult>& result,
                                    const ViewSettings& view, bool hide_answers, std::size_t method) {
  require_result(path, result);
  const HeatmapMode mode = shown_mode(*result, view, method, hide_answers);
  const HeatmapImage image = images_.with_values(result, method, mode);  // a copy: holds its matrix
  ax::export_matrix(path, image);
}

void HeatmapPictures::export_png(const std::string& path, const std::shared_ptr<const ComputeResult>& result,
                                 const ViewSettings& view, bool hide_answers, std::size_t method,
                                 const PngExtras& extras) {
  require_result(path, result);
  export_shown_heatmap_png(path, images_, overviews_, result, view, hide_answers, method, extras);
}

}  // namespace ax
