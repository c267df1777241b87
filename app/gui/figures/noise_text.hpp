// What the noise panel says about the expected shift of the scores under vector noise: the value
// for the noise's target (0 when only the queries or only the keys are noisy) and, in
// self-attention, the diagonal's extra term s_l^2 d, so the number on screen is the one the
// current settings give.
#pragma once

#include <string>
#include <vector>

#include "attn/kernels/scores.hpp"
#include "state/app_state.hpp"

namespace ax {

// E.g. "expected shift of the dot scores (before alpha): M = s_g^2 d = 0.36 off the diagonal;
// the diagonal gets s_l^2 d = 0.04 more", or "... 0: noise on the keys only adds no constant
// shift". Empty when there is no vector noise.
std::string expected_shift_text(const attn::ExpectedShift& shift, const NoiseSettings& noise, const std::string& score,
                                bool self_attention, bool centred);

// Every perturbation that is on, one entry each, as presentation mode lists them: "M = 2.5",
// "row shifts rms 1", "column shifts rms 0.5", "scale lambda = 2", "score noise rms 0.3",
// "vector noise s_g = 0.5, s_l = 0.2 on the keys". Empty when the weights are unperturbed.
std::vector<std::string> active_perturbations(const NoiseSettings& noise);

}  // namespace ax
