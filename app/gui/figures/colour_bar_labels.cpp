#include "figures/colour_bar_labels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "figures/heatmap_titles.hpp"

namespace ax {

std::vector<double> linear_ticks(double lo, double hi, int target_count) {
  std::vector<double> ticks;
  if (!(hi > lo) || target_count < 1) return ticks;
  const double raw = (hi - lo) / target_count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int max_count) {
  std::vector<double> ticks;
  if (!(lo > 0.0) || !(hi > lo)) return ticks;
  const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
  const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  const int decades = last - first + 1;
  const int stride = std::max(1, (decades + max_count - 1) / std::max(max_count, 1));
  for (int e = first; e <= last; ++e) {
    if ((e - first) % stride == 0) ticks.push_back(std::pow(10.0, e));
  }
  return ticks;
}

std::string colour_bar_text(double value, const ColourRange& range) {
  char text[32];
  if (is_signed_range(range) && value != 0.0) {
    std::snprintf(text, sizeof text, "%+.3g", value);
  } else {
    std::snprintf(text, sizeof text, "%.3g", value == 0.0 ? 0.0 : value);  // never "-0"
  }
  return text;
}

std::vector<ColourBarLabel> colour_bar_labels(const ColourRange& range, float length, float label_height) {
  const auto ticks = range.log ? log_ticks(range.lo, range.hi, 6) : linear_ticks(range.lo, range.hi, 4);
  std::vector<double> values(ticks.begin(), ticks.end());
  if (values.empty() || range.log || is_signed_range(range)) {
    // Both ends: the scale reads however few ticks fall inside it, and a signed scale shows its
    // magnitude (+max and -max) exactly.
    values.push_back(range.lo);
    values.push_back(range.hi);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  // The range's ends first, then ticks that do not touch a label already placed.
  std::stable_sort(values.begin(), values.end(), [&](double a, double b) {
    const bool end_a = a == range.lo || a == range.hi, end_b = b == range.lo || b == range.hi;
    return end_a && !end_b;
  });
  std::vector<ColourBarLabel> labels;
  for (double t : values) {
    const float u = normalized_value(static_cast<float>(t), range);
    if (!(u >= 0.0f && u <= 1.0f)) continue;
    bool crowded = false;
    for (const ColourBarLabel& other : labels)
      crowded = crowded || std::abs(other.position - u) * length < label_height * 0.95f;
    if (crowded) continue;
    labels.push_back({t, u, colour_bar_text(t, range)});
  }
  return labels;
}

SignWords difference_sign_words(const ComputeResult& result, std::size_t method) {
  SignWords words;
  if (method < result.methods.size() && compares_with_reference(result, method)) {
    words.subject = "method";
    words.baseline = "model";
  }
  return words;
}

}  // namespace ax
