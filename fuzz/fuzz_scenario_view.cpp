// The scenario-to-view path: numbers a scenario sets (pan, zoom, sizes, counts, seeds, alpha, M,
// the noise levels), huge, tiny, negative, infinite or NaN, pass the loader's table of ranges
// (state/scenario_limits, the table the loader uses) or are refused with an InputError naming the
// field; what passes reaches the heatmap's view grid and axis ticks, which must stay inside the
// matrix and finish (a pan of 1e30 once looped about 2^63 times). The same state also goes through
// a scenario file, so the JSON reader and the table cannot disagree.
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fuzzer/FuzzedDataProvider.h>

#include "attn/base/errors.hpp"
#include "compute/heatmap_overviews.hpp"
#include "figures/axis_ticks.hpp"
#include "fuzz_input_file.hpp"
#include "state/scenario_file.hpp"
#include "state/scenario_limits.hpp"

namespace {

// A value a hostile file would hold: the range's ends and beyond, powers of ten, specials, or any
// double.
double hostile_value(FuzzedDataProvider& in, const ax::NumericField& field) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return field.min;
    case 1: return field.max;
    case 2: return std::nextafter(field.max, std::numeric_limits<double>::infinity());
    case 3: return std::nextafter(field.min, -std::numeric_limits<double>::infinity());
    case 4: return std::pow(10.0, in.ConsumeIntegralInRange<int>(-320, 308)) * (in.ConsumeBool() ? 1 : -1);
    case 5: {
      const double specials[] = {std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(),
                                 std::numeric_limits<double>::quiet_NaN(),
                                 0.0,
                                 -0.0,
                                 1e30,
                                 -1e30};
      return specials[in.ConsumeIntegralInRange<int>(0, 6)];
    }
    case 6: return in.ConsumeFloatingPointInRange<double>(field.min, field.max);
    default: return in.ConsumeFloatingPoint<double>();
  }
}

// The heatmap panel's view of an n x m matrix in a panel of w x h pixels: inside the matrix, and
// at most one tick per cell.
void draw_view(const ax::AppState& state, attn::Index n, attn::Index m, int w, int h) {
  const ax::ViewGrid grid = ax::view_grid(n, m, state.view.zoom, state.view.pan, w, h);
  const attn::CellWindow& win = grid.window;
  if (win.row_begin < 0 || win.row_begin >= win.row_end || win.row_end > n) std::abort();
  if (win.col_begin < 0 || win.col_begin >= win.col_end || win.col_end > m) std::abort();
  const auto keys = ax::heatmap_axis_ticks(m, state.view.pan[0], state.view.zoom, static_cast<float>(w), 30.0f);
  const auto queries = ax::heatmap_axis_ticks(n, state.view.pan[1], state.view.zoom, static_cast<float>(h), 14.0f);
  // Token labels of their own widths (the key axis's): short and long tokens alternate.
  const auto tokens = ax::heatmap_label_ticks(
      m, state.view.pan[0], state.view.zoom, static_cast<float>(w),
      [](attn::Index j) { return j % 3 == 0 ? 60.0 : 12.0; }, 8.0);
  if (static_cast<attn::Index>(keys.size()) > m || static_cast<attn::Index>(queries.size()) > n ||
      static_cast<attn::Index>(tokens.size()) > m) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".json");
  FuzzedDataProvider in(data, size);
  const auto& fields = ax::numeric_fields();
  ax::AppState state;
  const int changes = in.ConsumeIntegralInRange<int>(1, 4);
  for (int k = 0; k < changes; ++k) {
    const ax::NumericField& field = fields[in.ConsumeIntegralInRange<std::size_t>(0, fields.size() - 1)];
    field.set(state, hostile_value(in, field));
  }
  bool valid = true;
  try {
    ax::validate_state(state, "fuzz");
  } catch (const attn::InputError&) {
    valid = false;
  }
  // Through a file: the loader refuses exactly what the table refuses (a value it cannot write,
  // such as NaN, is refused either way).
  bool loaded = true;
  try {
    const std::string text = ax::scenario_to_json(state).dump();  // as save_scenario_file writes it
    (void)ax::load_scenario_file(file.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  } catch (const attn::InputError&) {
    loaded = false;
  }
  if (loaded && !valid) std::abort();
  const attn::Index n = in.ConsumeIntegralInRange<attn::Index>(1, 131072);
  const attn::Index m = in.ConsumeIntegralInRange<attn::Index>(1, 131072);
  const int w = in.ConsumeIntegralInRange<int>(1, 8192), h = in.ConsumeIntegralInRange<int>(1, 8192);
  if (valid) draw_view(state, n, m, w, h);
  // The view path is safe for any float, validated or not (a state restored by the frame guard).
  draw_view(state, n, m, w, h);
  return 0;
}
