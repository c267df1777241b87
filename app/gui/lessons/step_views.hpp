// What a lesson step's view draws (propagation, classification, words), computed with the step's
// claims by evaluate_step; the figure view draws the figures the claims computed.
#pragma once

#include "lessons/claims.hpp"

namespace ax {

// Fills out.propagation (and out.theory), out.classification or out.sentences for the step's view,
// with the step's first method. Throws attn::InputError when the view cannot be computed.
void compute_step_view(const LessonStep& step, const AppState& state, const LoadedData& data, const WordSet* words,
                       StepEvaluation& out);

}  // namespace ax
