#include "figures/noise_text.hpp"

#include <cstdio>

namespace ax {
namespace {

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

// The formula of the off-diagonal shift for noise on both sides, by score.
const char* both_formula(const std::string& score) {
  if (score == "dot") return "M = s_g^2 d = ";
  if (score == "scaled-dot") return "M = s_g^2 sqrt(d) = ";
  return "-s_l^2 d = ";  // neg-sqdist: g cancels in q - k
}

}  // namespace

std::string expected_shift_text(const attn::ExpectedShift& shift, const NoiseSettings& noise, const std::string& score,
                                bool self_attention, bool centred) {
  if (!(noise.global_rms > 0.0) && !(noise.local_rms > 0.0)) return {};
  if (centred) return "centred data: the shared g is removed; no closed-form expected shift";
  if (!shift.exact) return "no closed-form expected shift for " + score + " scores";
  std::string text = "expected shift of the " + score + " scores (before alpha): ";
  if (noise.target != "both") {
    if (score == "neg-sqdist") return text + "-(s_g^2 + s_l^2) d / 2 = " + number(shift.value) + " for every pair";
    return text + "0: noise on the " + noise.target + " only adds no constant shift";
  }
  text += both_formula(score) + number(shift.value);
  if (!self_attention) return text;
  text += " off the diagonal";
  if (shift.diagonal_extra != 0.0) {
    text += std::string("; the diagonal gets ") + (score == "scaled-dot" ? "s_l^2 sqrt(d)" : "s_l^2 d") + " = " +
            number(shift.diagonal_extra) + " more";
  }
  return text;
}

}  // namespace ax
