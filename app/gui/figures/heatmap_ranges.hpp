// Which mode each heatmap of the grid shows and the colour range it is drawn with: one rule for
// the screen and for exports, so a saved picture cannot disagree with the one on screen.
#pragma once

#include <memory>
#include <vector>

#include "compute/compute_result.hpp"
#include "figures/heatmap_images.hpp"
#include "state/app_state.hpp"

namespace ax {

// The mode heatmap `method` is shown in: loaded weights and the model's own weights are data
// (always clean), and while a lesson question is open (`hide_answers`) every heatmap is clean.
HeatmapMode shown_mode(const ComputeResult& result, const ViewSettings& view, std::size_t method, bool hide_answers);

// One heatmap's part in the colour ranges: the image shown (null: not shown, e.g. an error), and
// the image it adds to the pool the weights share (null: none).
struct RangeMember {
  const HeatmapImage* image = nullptr;
  const HeatmapImage* weights_pool = nullptr;
  HeatmapMode mode = HeatmapMode::Clean;
};

// A heatmap of a dense result: its image in `mode`, and its clean weights for the weights' pool
// (so a perturbation never moves the range of an unchanged heatmap).
RangeMember dense_range_member(HeatmapImages& images, const std::shared_ptr<const ComputeResult>& result,
                               std::size_t method, HeatmapMode mode);

// A heatmap of the streaming path (statistics from its overview): weights share the range of
// the weights shown, as the clean ones may not be computed.
RangeMember streamed_range_member(const HeatmapImage* image, HeatmapMode mode);

// The colour range of every member, as the grid draws them. With the view's shared range,
// weights (clean or perturbed) share one range over the pool, and each kind of difference one
// range over the differences of that kind shown. Members with no image get a default range.
std::vector<ColourRange> shown_colour_ranges(const ViewSettings& view, const std::vector<RangeMember>& members);

// Every heatmap of a dense result as the grid shows it: modes, images and colour ranges.
// `images` entries are null for methods with an error. The pointers live in `cache` until it
// moves to another result: copy the HeatmapImage to keep it longer.
struct ShownHeatmaps {
  std::vector<HeatmapMode> modes;
  std::vector<const HeatmapImage*> images;
  std::vector<ColourRange> ranges;
};
ShownHeatmaps shown_heatmaps(HeatmapImages& cache, const std::shared_ptr<const ComputeResult>& result,
                             const ViewSettings& view, bool hide_answers);

}  // namespace ax
