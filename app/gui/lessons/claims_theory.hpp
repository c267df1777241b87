// Claim kinds of the theory steps of lessons 2 and 3 (issue 7), kept apart from the general
// kinds in claims.cpp. Each kind reads its parameters from the claim and the method, score and
// alpha from the step's state (a method given as params.method wins).
// Values for the statements' placeholders (claim_text.hpp), per kind:
//   survivors_extreme: clusters, steps, ranks (list), points; lipschitz: first, last, growth,
//   largest, from, to (sweep ends); drift_uphill: uphill, points, fraction; mean_shift_gradient:
//   mismatch; diffusion_smooths: rough_kept, smooth_kept, steps; metric_neighbours: changed;
//   metric_null_space: singular, weight_gap; duplication: change (+ token, weight, weight_doubled
//   for which = one); word_decides: heaviest, weight, largest_term, term, total;
//   score_gradient_share: share, weight; fixed_as_cross_attention: gap.
// Identities (is_identity_claim_kind): mean_shift_gradient, metric_null_space, fixed_as_cross_attention.
//
// Propagation kinds (claims_propagation.cpp):
//   survivors_extreme    {steps, radius}            the clusters after the steps sit on the
//                                                    largest-norm starting points (ranks 1..k)
//   lipschitz            {sweep: radius|alpha, values, score?, with_origin?, typical?, increasing?,
//                         growth_at_least | growth_at_most, largest_at_most}  largest singular value
//                         of the step's Jacobian over the sweep (growth = last / first); with_origin
//                         adds a point at 0, typical plots the median gain in random directions
//   drift_uphill         {density_alpha?, at_least} fraction of points whose density estimate rises
//   mean_shift_gradient  {at_most}                  |y_i - x_i - grad log p(x_i) / alpha| (identity)
//   diffusion_smooths    {steps, seed, rough_kept_at_most, smooth_kept_at_least}
//   metric_neighbours    {other: [[a, b], [c, d]], changed_at_least}  fraction of points whose most
//                                                    attended other point changes from the state's map
//   metric_null_space    {at_most}                  the map is singular and a point moved along its
//                                                    null space keeps its weight (identity)
//   duplication          {which: all|one, token, at_most | at_least}  max change of the outputs
// Word kinds (claims_words.cpp):
//   word_decides         {form, sentence, word}     the word has the largest weight and the largest
//                                                    share of u . f
//   score_gradient_share {form, sentence, word, share_at_most}  |dz/dg_word| / max_i |dz/dg_i|
//   fixed_as_cross_attention {form}                 fixed attention = one query theta over the
//                                                    words as keys (identity)
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "lessons/claims.hpp"

namespace ax {

struct ClaimContext {
  const LessonStep& step;
  const AppState& state;
  const LoadedData& data;
  const WordSet* words;
  StepEvaluation& out;
};

using ClaimKind = ClaimResult (*)(const ClaimContext&, const nlohmann::json&);

const std::map<std::string, ClaimKind>& propagation_claim_kinds();
const std::map<std::string, ClaimKind>& word_claim_kinds();

// The propagation view's data for its mode (view_options.mode, view_options.norm_ranks) into
// out.theory; the stepping mode reads the path already in out.propagation.
void compute_theory_view(const LessonStep& step, const AppState& state, const LoadedData& data, StepEvaluation& out);

}  // namespace ax
