// JSON has no NaN or infinity: non-finite metrics are written as null (e.g. an infinite KL when
// the perturbed weights give zero weight to a key the clean weights use).
#pragma once

#include <cmath>

#include <nlohmann/json.hpp>

namespace cli {

inline nlohmann::json json_number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace cli
