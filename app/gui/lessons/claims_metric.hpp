// Claim kinds of lesson 3's metric attention (Ruan & Zhang): scores -alpha |A (x_i - x_j)|^2 / 2
// with the step's 2 by 2 map A (lesson.metric_row1, metric_row2): whose neighbours change with A,
// and what a singular A cannot see.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> metric_claim_kinds();

}  // namespace ax
