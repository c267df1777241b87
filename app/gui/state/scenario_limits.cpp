#include "state/scenario_limits.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "attn/base/errors.hpp"
#include "state/limits.hpp"

namespace ax {
namespace {

constexpr double kLarge = 1e6;  // the largest |value| of a continuous setting (alpha, M, noise, angles)
constexpr double kCount = 1e4;  // steps, frames and indices that count things the user steps through
constexpr double kAnyU64 = 18446744073709551615.0;

// `value` for an integer of type T: rounded toward zero and saturated (NaN gives 0).
template <class T>
T saturate(double value) {
  if (!(value == value)) return 0;
  if (value <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
  if (value >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(value);
}

// A field holding one number: `member` picks it from the state.
template <class T, class Member>
NumericField scalar(const char* key, double min, double max, Member member) {
  return {key, min, max, [member](const AppState& s) { return std::vector<double>{static_cast<double>(member(s))}; },
          [member](AppState& s, double v) {
            if constexpr (std::is_floating_point_v<T>) {
              member(s) = static_cast<T>(v);
            } else {
              member(s) = saturate<T>(v);
            }
          }};
}

// A field holding a pair [x, y].
template <class Member>
NumericField pair(const char* key, double min, double max, Member member) {
  return {key, min, max,
          [member](const AppState& s) {
            const auto& p = member(s);
            return std::vector<double>{static_cast<double>(p[0]), static_cast<double>(p[1])};
          },
          [member](AppState& s, double v) {
            auto& p = member(s);
            using E = std::decay_t<decltype(p[0])>;
            p = {static_cast<E>(v), static_cast<E>(v)};
          }};
}

#define AX_FIELD(section, name) \
  [](auto& s) -> auto& { return s.section.name; }

std::vector<NumericField> make_table() {
  const double tokens = static_cast<double>(kStreamingMaxTokens);
  std::vector<NumericField> t = {
      scalar<int>("data.n", 1, tokens, AX_FIELD(data, n)),
      scalar<int>("data.d", 1, 4096, AX_FIELD(data, d)),
      scalar<std::uint64_t>("data.seed", 0, kAnyU64, AX_FIELD(data, seed)),
      scalar<int>("data.clusters", 1, 64, AX_FIELD(data, clusters)),
      {"data.points", -kLarge, kLarge,
       [](const AppState& s) {
         std::vector<double> v;
         for (const auto& p : s.data.points) v.insert(v.end(), {p[0], p[1]});
         return v;
       },
       [](AppState& s, double v) {
         if (s.data.points.empty()) s.data.points.push_back({0.0, 0.0});
         for (auto& p : s.data.points) p = {v, v};
       }},
      scalar<int>("data.layer", 0, 65535, AX_FIELD(data, layer)),
      scalar<int>("data.head", 0, 65535, AX_FIELD(data, head)),
      scalar<double>("attention.alpha", -kLarge, kLarge, AX_FIELD(attention, alpha)),
      scalar<double>("noise.shift", -kLarge, kLarge, AX_FIELD(noise, shift)),
      scalar<double>("noise.scale", -kLarge, kLarge, AX_FIELD(noise, scale)),
      scalar<double>("noise.row_shift_rms", 0, kLarge, AX_FIELD(noise, row_shift_rms)),
      scalar<double>("noise.column_shift_rms", 0, kLarge, AX_FIELD(noise, column_shift_rms)),
      scalar<double>("noise.score_noise_rms", 0, kLarge, AX_FIELD(noise, score_noise_rms)),
      scalar<double>("noise.global_rms", 0, kLarge, AX_FIELD(noise, global_rms)),
      scalar<double>("noise.local_rms", 0, kLarge, AX_FIELD(noise, local_rms)),
      scalar<std::uint64_t>("noise.seed", 0, kAnyU64, AX_FIELD(noise, seed)),
      scalar<std::uint64_t>("noise.draw", 0, kAnyU64, AX_FIELD(noise, draw)),
      scalar<int>("noise.animate_frames", 1, kCount, AX_FIELD(noise, animate_frames)),
      scalar<int>("noise.study_draws", 1, 100000, AX_FIELD(noise, study_draws)),
      scalar<float>("view.zoom", 1, static_cast<double>(kMaxZoom), AX_FIELD(view, zoom)),
      pair("view.pan", 0, 1, AX_FIELD(view, pan)),
      scalar<int>("view.selected_row", 0, tokens, AX_FIELD(view, selected_row)),
      scalar<int>("view.selected_method", 0, static_cast<double>(kMaxMethods), AX_FIELD(view, selected_method)),
      scalar<double>("view.chart_shift_min", 1e-12, 1e12, AX_FIELD(view, chart_shift_min)),
      scalar<double>("view.chart_shift_max", 1e-12, 1e12, AX_FIELD(view, chart_shift_max)),
      scalar<double>("view.sweep_to", -kLarge, kLarge, AX_FIELD(view, sweep_to)),
      scalar<int>("lesson.step", 0, kCount, AX_FIELD(lesson, step)),
      pair("lesson.theta", -kLarge, kLarge, AX_FIELD(lesson, theta)),
      pair("lesson.theta2", -kLarge, kLarge, AX_FIELD(lesson, theta2)),
      scalar<int>("lesson.propagation_steps", 0, kCount, AX_FIELD(lesson, propagation_steps)),
      pair("lesson.metric_row1", -kLarge, kLarge, AX_FIELD(lesson, metric_row1)),
      pair("lesson.metric_row2", -kLarge, kLarge, AX_FIELD(lesson, metric_row2)),
      scalar<int>("lesson.metric_query", 0, kCount, AX_FIELD(lesson, metric_query)),
  };
  return t;
}

#undef AX_FIELD

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

const std::vector<NumericField>& numeric_fields() {
  static const std::vector<NumericField> table = make_table();
  return table;
}

void check_numeric_fields(const AppState& state, const std::string& where) {
  for (const NumericField& f : numeric_fields()) {
    for (const double v : f.values(state)) {
      if (v >= f.min && v <= f.max) continue;
      throw attn::InputError(where + ": " + f.key + ": must be between " + number_text(f.min) + " and " +
                             number_text(f.max) + " (got " + number_text(v) + ")");
    }
  }
}

}  // namespace ax
