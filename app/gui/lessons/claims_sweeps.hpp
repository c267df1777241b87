// Claim kinds on sweeps of one setting: sequence length, temperature (alpha), the sensitivity of
// one step, dot products against distances as the dimension grows, and softmax's maximum entropy.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> sweep_claim_kinds();

}  // namespace ax
