// What a colour bar says, on screen and in exported PNGs alike: which values get a tick label,
// how they are written, and, for a signed difference, which sign is which.
#pragma once

#include <string>
#include <vector>

#include "compute/compute_result.hpp"
#include "figures/heatmap_images.hpp"

namespace ax {

// "Nice" tick positions covering [lo, hi]: 1, 2 or 5 times a power of ten apart.
std::vector<double> linear_ticks(double lo, double hi, int target_count);
// Powers of ten covering [lo, hi] (lo > 0), thinned to at most `max_count`.
std::vector<double> log_ticks(double lo, double hi, int max_count);

// A signed range: the diverging scale of a signed difference, centred on 0.
inline bool is_signed_range(const ColourRange& range) { return range.lo < 0.0f && range.hi > 0.0f; }

struct ColourBarLabel {
  double value = 0.0;
  float position = 0.0f;  // 0 at the bottom of the bar, 1 at the top
  std::string text;
};

// The labelled values of a bar `length` pixels long whose labels are `label_height` pixels tall:
// the range's ends first when they are labelled (always on log and signed scales, so the
// magnitude shows), then round ticks that do not touch a label already placed.
std::vector<ColourBarLabel> colour_bar_labels(const ColourRange& range, float length, float label_height);

// A value as the colour bar writes it: "%.3g", with an explicit "+" on a signed scale.
std::string colour_bar_text(double value, const ColourRange& range);

// What a signed difference subtracts: "perturbed" minus "clean", or, beside a model's weights,
// "method" minus "model". Above 0 the first is larger.
struct SignWords {
  std::string subject = "perturbed", baseline = "clean";
  std::string positive() const { return subject + " > " + baseline; }
  std::string negative() const { return subject + " < " + baseline; }
};
SignWords difference_sign_words(const ComputeResult& result, std::size_t method);

}  // namespace ax
