// Claim kinds of lesson 3's theory steps: where iterated attention leaves its clusters, how
// sensitive one step is, drift up the density, diffusion of values and token duplication.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> propagation_claim_kinds();

}  // namespace ax
