// Issue 20, numbers from scenarios: `view.pan = [1e30, 0]` once hung the app (the axis labels cast
// it to an integer and looped about 2^63 times, and the frame guard restored the same state every
// frame). Every numeric field of a scenario is now checked against its range in one table (the
// loader's and the fuzz target's), and the view path is safe for any float.
#include <cmath>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "capped_run.hpp"
#include "compute/heatmap_overviews.hpp"
#include "figures/axis_ticks.hpp"
#include "state/scenario_file.hpp"
#include "state/scenario_limits.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

std::string load_error(const std::string& path) {
  try {
    (void)load_scenario_file(path);
  } catch (const attn::InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ViewLimits, APanOf1e30IsRefusedWithItsKey) {
  test::TempDir dir("ax_view_limits");
  const std::string path = dir.file("pan.json");
  std::ofstream(path) << R"({"view": {"pan": [1e30, 0]}})";
  const std::string message = load_error(path);
  EXPECT_NE(message.find(path + ": view.pan: must be between 0 and 1"), std::string::npos) << message;
}

TEST(ViewLimits, TheAxisLabelsOfAPanOf1e30ReturnAtOnce) {
  // What the heatmap panel computed from the state, before any validation: 600 pixels of 4096
  // keys at zoom 1, panned to 1e30 (and to NaN, and to -1e30).
  const auto outcome = ax_test::run_capped(
      [] {
        std::size_t ticks = 0;
        for (const double pan : {1e30, -1e30, std::nan(""), 1e300}) {
          const double cell = 600.0 / 4096.0;
          const double first = pan * 4096.0;
          ticks += axis_ticks(4096, first, first + 600.0 / cell, cell, 40.0).size();
          ticks += axis_ticks(4096, 0.0, 4096.0, 1e-300, 40.0).size();  // a cell narrower than any label
        }
        return std::to_string(ticks);
      },
      std::uint64_t(512) << 20, 20);
  ASSERT_TRUE(outcome.finished) << outcome.describe();
  EXPECT_EQ(outcome.result, "4") << "one tick (cell 0) for each cell too narrow to label twice";
}

TEST(ViewLimits, TheViewPathStaysInsideTheMatrixForAnyFloat) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  for (const float pan : {0.0f, 0.5f, 1.0f, 1e30f, -1e30f, inf, -inf, nan}) {
    for (const float zoom : {1.0f, 3.0f, 256.0f, 1e30f, inf, nan}) {
      const ViewGrid grid = view_grid(4096, 100, zoom, {pan, pan}, 600, 400);
      EXPECT_GE(grid.window.row_begin, 0);
      EXPECT_LT(grid.window.row_begin, grid.window.row_end);
      EXPECT_LE(grid.window.row_end, 4096);
      EXPECT_LE(grid.window.col_end, 100);
      const auto token_width = [](attn::Index j) { return j % 3 == 0 ? 60.0 : 12.0; };
      for (const auto& ticks :
           {heatmap_axis_ticks(100, pan, zoom, 600.0f, 30.0f), heatmap_axis_ticks(4096, pan, zoom, 400.0f, 14.0f),
            heatmap_label_ticks(4096, pan, zoom, 600.0f, token_width, 8.0)}) {
        for (std::size_t k = 0; k < ticks.size(); ++k) {
          EXPECT_GE(ticks[k], 0);
          if (k > 0) {
            EXPECT_GT(ticks[k], ticks[k - 1]);
          }
        }
        EXPECT_LE(ticks.size(), 4096u);
      }
    }
  }
}

TEST(ViewLimits, EveryNumericFieldIsCheckedAgainstItsRange) {
  test::TempDir dir("ax_view_limits");
  int refused = 0;
  for (const NumericField& f : numeric_fields()) {
    for (const double value :
         {f.max + std::max(1.0, std::abs(f.max)), f.min - std::max(1.0, std::abs(f.min)), 1e30, -1e30}) {
      AppState state;
      f.set(state, value);
      const auto held = f.values(state);
      if (std::all_of(held.begin(), held.end(), [&](double v) { return v >= f.min && v <= f.max; })) continue;
      const std::string path = dir.file("field.json");
      std::ofstream(path) << scenario_to_json(state).dump();
      const std::string message = load_error(path);
      EXPECT_NE(message.find(path + ": " + f.key + ": "), std::string::npos)
          << f.key << " = " << value << ": " << message;
      ++refused;
    }
  }
  EXPECT_GT(refused, 60);  // every field but the seeds, above and below
  // The defaults and the range ends are accepted.
  EXPECT_NO_THROW(validate_state(AppState{}, "defaults"));
}

}  // namespace
}  // namespace ax
