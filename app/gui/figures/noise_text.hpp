// What the noise panel says about the expected shift of the scores under vector noise: the value
// for the noise's target (0 when only the queries or only the keys are noisy) and, in
// self-attention, the diagonal's extra term s_l^2 d, so the number on screen is the one the
// current settings give.
#pragma once

#include <string>

#include "attn/kernels/scores.hpp"
#include "state/app_state.hpp"

namespace ax {

// E.g. "expected shift of the dot scores (before alpha): M = s_g^2 d = 0.36 off the diagonal;
// the diagonal gets s_l^2 d = 0.04 more", or "... 0: noise on the keys only adds no constant
// shift". Empty when there is no vector noise.
std::string expected_shift_text(const attn::ExpectedShift& shift, const NoiseSettings& noise, const std::string& score,
                                bool self_attention, bool centred);

}  // namespace ax
