// Every number a scenario sets, with the range it may take: ONE table, read by the scenario loader
// (validate_state) and by the fuzz target of the scenario-to-view path (fuzz/fuzz_scenario_view.cpp),
// so that no number from a file reaches a loop bound or an integer cast unchecked (a pan of 1e30
// once made the axis labels loop about 2^63 times).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "state/app_state.hpp"

namespace ax {

struct NumericField {
  const char* key;  // as in a scenario file: "view.pan"
  double min, max;  // every number of the field must lie in [min, max] (NaN never does)
  // Every number the field holds (one, a pair's two, each coordinate of a list of points).
  std::function<std::vector<double>(const AppState&)> values;
  // Sets every number of the field to `value` (a list gets one entry when it is empty); integer
  // fields take the value rounded toward zero and saturated to their type.
  std::function<void(AppState&, double)> set;
};

// The table, in the order of the scenario file's sections.
const std::vector<NumericField>& numeric_fields();

// Throws attn::InputError "<where>: <key>: must be between MIN and MAX (got V)" for the first
// number out of its range.
void check_numeric_fields(const AppState& state, const std::string& where);

}  // namespace ax
