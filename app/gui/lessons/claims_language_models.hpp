// Claim kinds of lesson 5, "Does it matter once a model is trained?": the tiny language models of
// assets/models/ (core lm/) under a shift M of every score and under shared noise on the
// embeddings, measured on a sentence and on the held-out text.
#pragma once

#include <span>

#include "lessons/claim_kind.hpp"

namespace ax {

std::span<const ClaimKind> language_model_claim_kinds();

}  // namespace ax
