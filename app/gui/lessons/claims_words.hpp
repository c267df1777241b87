// Claim kinds of lesson 2, a sentence as a set of word vectors: the readout's sentiment, which word
// decides, where the score gradient goes, two heads, and invariance to word order.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> word_claim_kinds();

}  // namespace ax
