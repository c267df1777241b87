// Claim kinds of Alam et al.'s derivation, step by step: F(a + M) / F(a), its log-derivative,
// alpha that does not matter, and distance kernels written as a function of the dot product.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> derivation_claim_kinds();

}  // namespace ax
