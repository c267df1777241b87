#include "figures/heatmap_ranges.hpp"

namespace ax {

HeatmapMode shown_mode(const ComputeResult& result, const ViewSettings& view, std::size_t method, bool hide_answers) {
  const bool as_loaded = result.weights_only || (method < result.methods.size() && result.methods[method].is_reference);
  return (as_loaded || hide_answers) ? HeatmapMode::Clean : heatmap_mode(view, method);
}

RangeMember dense_range_member(HeatmapImages& images, const std::shared_ptr<const ComputeResult>& result,
                               std::size_t method, HeatmapMode mode) {
  RangeMember member;
  member.mode = mode;
  member.image = &images.get(result, method, mode);
  member.weights_pool = &images.get(result, method, HeatmapMode::Clean);
  return member;
}

RangeMember streamed_range_member(const HeatmapImage* image, HeatmapMode mode) {
  RangeMember member;
  member.mode = mode;
  member.image = image;
  if (mode == HeatmapMode::Clean || mode == HeatmapMode::Perturbed) member.weights_pool = image;
  return member;
}

std::vector<ColourRange> shown_colour_ranges(const ViewSettings& view, const std::vector<RangeMember>& members) {
  // Pools: [0] weights (clean and perturbed), [2] |difference|, [3] signed difference.
  std::vector<const HeatmapImage*> same_kind[4];
  for (const RangeMember& m : members) {
    if (!m.image) continue;
    if (m.weights_pool) same_kind[0].push_back(m.weights_pool);
    if (m.mode == HeatmapMode::AbsDifference || m.mode == HeatmapMode::SignedDifference) {
      same_kind[static_cast<int>(m.mode)].push_back(m.image);
    }
  }
  std::vector<ColourRange> ranges(members.size());
  for (std::size_t k = 0; k < members.size(); ++k) {
    const RangeMember& m = members[k];
    if (!m.image) continue;
    const int group = m.mode == HeatmapMode::Perturbed ? 0 : static_cast<int>(m.mode);
    // A range of its own: weights take it from their own clean weights, so moving M changes the
    // colour of a cell only when its weight changes (exp keeps every pixel), while relu, softplus
    // and sigmoid use their whole colormap instead of exp's bottom fifth.
    const bool own_clean = !view.shared_range && group == 0 && m.weights_pool;
    ranges[k] = colour_range(view, m.mode, own_clean ? *m.weights_pool : *m.image, same_kind[group]);
  }
  return ranges;
}

ShownHeatmaps shown_heatmaps(HeatmapImages& cache, const std::shared_ptr<const ComputeResult>& result,
                             const ViewSettings& view, bool hide_answers) {
  ShownHeatmaps shown;
  const std::size_t count = result ? result->methods.size() : 0;
  shown.modes.assign(count, HeatmapMode::Clean);
  shown.images.assign(count, nullptr);
  std::vector<RangeMember> members(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (!result->methods[k].error.empty()) continue;
    shown.modes[k] = shown_mode(*result, view, k, hide_answers);
    members[k] = dense_range_member(cache, result, k, shown.modes[k]);
    shown.images[k] = members[k].image;
  }
  shown.ranges = shown_colour_ranges(view, members);
  return shown;
}

}  // namespace ax
