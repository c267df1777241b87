// The matrix each heatmap shows (clean, perturbed or their difference) with the statistics its
// colour range needs, cached per result so switching modes costs one pass at most.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>

#include "colour/colormap.hpp"
#include "compute/compute_result.hpp"
#include "state/app_state.hpp"

namespace ax {

struct HeatmapImage {
  std::shared_ptr<const attn::MatF> values;  // #queries x #keys; undefined rows are NaN
  std::uint64_t version = 0;                 // new number whenever `values` is a new matrix
  ImageStats stats;
};

struct ColourRange {
  float lo = 0.0f, hi = 1.0f;
  bool log = false;
  Colormap map = Colormap::Viridis;
  bool all_zero = false;  // nothing above zero to show (e.g. an unchanged |difference|)
};

class HeatmapImages {
 public:
  // The image of `method` in `mode` for `result` (computed on first use, then cached).
  // A difference image holds only its statistics (values null): with_values makes its matrix.
  const HeatmapImage& get(const std::shared_ptr<const ComputeResult>& result, std::size_t method, HeatmapMode mode);
  // The same with the matrix, for drawing cell by cell and for exports.
  const HeatmapImage& with_values(const std::shared_ptr<const ComputeResult>& result, std::size_t method,
                                  HeatmapMode mode);

 private:
  std::uint64_t next_version_ = 1;
  std::uint64_t generation_ = 0;
  const ComputeResult* result_ = nullptr;
  std::map<std::pair<std::size_t, HeatmapMode>, HeatmapImage> cache_;
};

// Colour range of `image` under the view settings; with a shared range, `others` are all the
// images shown together (including `image`).
ColourRange colour_range(const ViewSettings& view, HeatmapMode mode, const HeatmapImage& image,
                         const std::vector<const HeatmapImage*>& others);

// Map a value to [0, 1] under a range, exactly as the shader does (NaN for NaN).
float normalized_value(float value, const ColourRange& range);

// "unchanged" / "changed" verdict of a method's perturbation, by the compute precision.
struct InvarianceBadge {
  bool unchanged = false;
  double max_abs_diff = 0.0;
  double tolerance = 0.0;
};
InvarianceBadge invariance_badge(const MethodResult& method, bool use_double);

}  // namespace ax
