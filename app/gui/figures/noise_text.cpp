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

std::vector<std::string> active_perturbations(const NoiseSettings& noise) {
  std::vector<std::string> out;
  if (noise.shift != 0.0) out.push_back("M = " + number(noise.shift));
  if (noise.row_shift_rms > 0.0) out.push_back("row shifts rms " + number(noise.row_shift_rms));
  if (noise.column_shift_rms > 0.0) out.push_back("column shifts rms " + number(noise.column_shift_rms));
  if (noise.scale != 1.0) out.push_back("scale lambda = " + number(noise.scale));
  if (noise.score_noise_rms > 0.0) out.push_back("score noise rms " + number(noise.score_noise_rms));
  if (noise.global_rms > 0.0 || noise.local_rms > 0.0) {
    const std::string where = noise.target == "both" ? "queries and keys" : noise.target + " only";
    out.push_back("vector noise s_g = " + number(noise.global_rms) + ", s_l = " + number(noise.local_rms) + " on the " +
                  where);
  }
  return out;
}

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
