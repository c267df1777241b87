#include "figures/heatmap_images.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "figures/heatmap_titles.hpp"

namespace ax {
namespace {}  // namespace

const HeatmapImage& HeatmapImages::get(const std::shared_ptr<const ComputeResult>& result, std::size_t method,
                                       HeatmapMode mode) {
  if (result.get() != result_ || result->generation != generation_) {
    cache_.clear();
    result_ = result.get();
    generation_ = result->generation;
  }
  auto key = std::make_pair(method, mode);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;

  const MethodResult& r = result->methods[method];
  // Clean and perturbed images alias the result's matrices and use the statistics the compute
  // job already took; differences are new matrices, made here when first shown.
  HeatmapImage image;
  switch (mode) {
    case HeatmapMode::Clean:
      image.values = std::shared_ptr<const attn::MatF>(result, &r.clean.matrix);
      image.stats = r.clean_stats;
      break;
    case HeatmapMode::Perturbed:
      image.values = std::shared_ptr<const attn::MatF>(result, &r.perturbed.matrix);
      image.stats = r.perturbed_stats;
      break;
    case HeatmapMode::AbsDifference:
    case HeatmapMode::SignedDifference:
      // The statistics come with the result; the matrix is made only when it is needed
      // (with_values: drawn cell by cell or exported), never just to find a colour range.
      image.stats = compares_with_reference(*result, method) ? r.reference_difference_stats : r.difference_stats;
      break;
  }
  image.version = next_version_++;
  return cache_.emplace(key, std::move(image)).first->second;
}

const HeatmapImage& HeatmapImages::with_values(const std::shared_ptr<const ComputeResult>& result, std::size_t method,
                                               HeatmapMode mode) {
  get(result, method, mode);
  HeatmapImage& image = cache_.at(std::make_pair(method, mode));
  if (image.values) return image;
  // Perturbed minus clean; or, beside a model's own weights, this method (perturbed when a
  // perturbation is on) minus the model's.
  const MethodResult& r = result->methods[method];
  const bool vs_model = compares_with_reference(*result, method);
  const attn::Weights<float>& a = vs_model && !result->perturbed ? r.clean : r.perturbed;
  const attn::Weights<float>& b = vs_model ? result->methods.back().clean : r.clean;
  auto diff = std::make_shared<attn::MatF>(a.matrix - b.matrix);
  if (mode == HeatmapMode::AbsDifference) *diff = diff->cwiseAbs();
  for (std::size_t i = 0; i < b.rows.size(); ++i) {  // undefined in either input: undefined
    const auto row = static_cast<attn::Index>(i);
    if (!a.defined(row) || !b.defined(row)) diff->row(row).setConstant(std::numeric_limits<float>::quiet_NaN());
  }
  image.values = std::move(diff);
  image.version = next_version_++;
  return image;
}

ColourRange colour_range(const ViewSettings& view, HeatmapMode mode, const HeatmapImage& image,
                         const std::vector<const HeatmapImage*>& others) {
  ColourRange range;
  range.log = view.log_scale && mode != HeatmapMode::SignedDifference;
  std::vector<const HeatmapImage*> pool = view.shared_range ? others : std::vector<const HeatmapImage*>{&image};
  if (pool.empty()) pool.push_back(&image);
  float hi = 0.0f, min_positive = std::numeric_limits<float>::infinity();
  for (const HeatmapImage* im : pool) {
    const ImageStats& st = im->stats;
    hi = std::max(hi, mode == HeatmapMode::SignedDifference
                          ? st.max_abs
                          : (view.exclude_first_key ? st.max_without_first : st.max_all));
    if (st.min_positive > 0.0f) min_positive = std::min(min_positive, st.min_positive);
  }
  try {
    range.map = mode == HeatmapMode::SignedDifference ? Colormap::Diverging
                : mode == HeatmapMode::AbsDifference  ? parse_colormap(view.difference_colormap)
                                                      : parse_colormap(view.colormap);
  } catch (const std::invalid_argument&) {
    range.map = Colormap::Viridis;
  }
  if (!(hi > 0.0f)) {
    range.all_zero = true;
    hi = 1.0f;
  }
  if (mode == HeatmapMode::SignedDifference) {
    range.lo = -hi;
    range.hi = hi;
    return range;
  }
  range.hi = hi;
  if (range.log) {
    // Eight decades below the top at most, so float rounding noise (1e-8) stays visible but the
    // scale is not stretched down to denormals.
    const float floor = hi * 1e-8f;
    range.lo = std::isfinite(min_positive) ? std::max(min_positive, floor) : floor;
    if (range.lo >= range.hi) range.lo = range.hi * 0.1f;
  } else {
    range.lo = 0.0f;
  }
  return range;
}

float normalized_value(float value, const ColourRange& range) {
  if (std::isnan(value)) return std::numeric_limits<float>::quiet_NaN();
  float t;
  if (range.log) {
    const float v = std::max(value, range.lo);
    t = (std::log10(v) - std::log10(range.lo)) / (std::log10(range.hi) - std::log10(range.lo));
  } else {
    t = (value - range.lo) / (range.hi - range.lo);
  }
  return std::clamp(t, 0.0f, 1.0f);
}

InvarianceBadge invariance_badge(const MethodResult& method, bool use_double) {
  InvarianceBadge badge;
  badge.max_abs_diff = method.deviation.max_abs_diff;
  // The property tests' bounds: rounding of the compute precision, not a change of the weights.
  badge.tolerance = use_double ? 1e-12 : 1e-6;
  badge.unchanged = method.deviation.compared_rows > 0 && badge.max_abs_diff <= badge.tolerance;
  return badge;
}

}  // namespace ax
