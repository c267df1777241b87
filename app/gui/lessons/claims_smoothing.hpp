// Claim kinds on attention as smoothing: points drawn to their group's centre, clusters after
// repeated steps, and what one smoothing step does to a classifier's accuracy.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> smoothing_claim_kinds();

}  // namespace ax
