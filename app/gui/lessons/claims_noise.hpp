// Claim kinds on shared noise: how it shifts the scores, and how much each F's weights are biased
// by it on average.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> noise_claim_kinds();

}  // namespace ax
