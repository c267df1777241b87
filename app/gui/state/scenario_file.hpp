// Scenario files: the whole AppState as JSON. Keys that are absent keep their default values, so
// a lesson step or a hand-written scenario names only what it changes; unknown keys, values of
// the wrong type and values out of range are errors that name the key.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "state/app_state.hpp"

namespace ax {

nlohmann::json scenario_to_json(const AppState& state);

// Applies `json` on top of `base`. Throws attn::InputError "<where>: <key path>: <problem>".
AppState scenario_from_json(const nlohmann::json& json, const AppState& base, const std::string& where);

// Reads and validates a file; on any error throws attn::InputError naming the file.
AppState load_scenario_file(const std::string& path, const AppState& base = {});
// Writes atomically (temporary file, then rename).
void save_scenario_file(const std::string& path, const AppState& state);

// Range checks shared by files and panels: throws attn::InputError naming the key.
void validate_state(const AppState& state, const std::string& where);

}  // namespace ax
