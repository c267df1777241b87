// What the invariance chart's legend says about each curve: an undefined method is named as such
// (it has no line), and a curve with undefined rows at some shifts says so, so the legend never
// lets a missing or partial line read as a measurement.
#pragma once

#include <string>

#include "compute/compute_result.hpp"

namespace ax {

// "exp"; "custom:log(z): undefined" (no shift has a defined row); "relu (rows undefined at 3 of
// 13 M)" (some rows undefined at some shifts: those points measure only the defined rows).
std::string invariance_curve_label(const InvarianceChart::Curve& curve);

}  // namespace ax
