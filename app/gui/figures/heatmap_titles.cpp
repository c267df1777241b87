#include "figures/heatmap_titles.hpp"

#include <cstdio>

namespace ax {

bool compares_with_reference(const ComputeResult& result, std::size_t method) {
  return result.has_reference && result.versus_reference && method < result.methods.size() &&
         !result.methods[method].is_reference;
}

std::string heatmap_title(const ComputeResult& result, std::size_t method, HeatmapMode mode, bool compact) {
  const MethodResult& r = result.methods[method];
  std::string title = r.spec;
  if (result.weights_only && result.data && result.data->model) title = "model's weights";
  const bool difference = mode == HeatmapMode::AbsDifference || mode == HeatmapMode::SignedDifference;
  if (difference && compares_with_reference(result, method)) {
    title = (result.perturbed ? "perturbed " : "") + title + " - model's weights";
  }
  if (result.data && result.data->model) {
    const LoadedData& d = *result.data;
    char compact_head[48];
    std::snprintf(compact_head, sizeof compact_head, "L%ld H%ld", static_cast<long>(d.layer),
                  static_cast<long>(d.head));
    title = (compact ? std::string(compact_head) : d.model->head_name(d.layer, d.head, false)) + ": " + title;
  }
  return title;
}

}  // namespace ax
