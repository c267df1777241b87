// Claim kinds on the explorer's weights: perturbed against clean, exact zeros, undefined rows,
// float32 against float64, and weights that fall with the distance.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> weight_claim_kinds();

}  // namespace ax
