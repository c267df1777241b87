// The claims lesson steps make, measured by the engine for the live settings. A claim that does
// not hold for the current settings is shown as not holding: the lesson never asserts what the
// numbers on screen do not support.
//
// Every claim has a statement whose numbers are placeholders filled from the values the claim
// measured ({NAME}), its params ({param.PATH}) and the step's state ({state.PATH}): see
// claim_text.hpp. A claim kind takes its method from params.method when given, else the step's
// first method; the score, alpha, precision and noise from the step's state.
//
// Kinds, params (bounds "at_most" / "at_least") and the values they measure:
//   deviation             {methods: [...], at_most | at_least}   max |W_perturbed - W_clean|; an
//                         undefined row (clean or perturbed) makes the claim fail and is counted
//                         values: max_dw, min_dw (over the methods), max_dw.METHOD, undefined_rows
//   exact_zeros           {method?, at_least}          values: zeros, rows
//   undefined_rows        {method?, which: clean|perturbed, at_least | at_most}   values: undefined, rows
//   precision             {method?, at_most}   float32 against float64, none undefined
//                         values: max_dw, undefined_rows
//   distance_order        {method?}   every row's weights fall as the distance grows
//                         values: violations, pairs
//   score_shift           {draws, seed, relative_error_at_most, pair_error_at_most?}
//                         mean change of dot products vs s_g^2 d, overall and for each pair
//                         values: mean_change, expected, error (fraction), pair_error (fraction,
//                         worst pair), worst_i, worst_j, draws
//   spread_falls          {method?}   one step brings points nearer their group centre
//                         values: before, after
//   dot_vs_distance       {n, dims, seed, sphere_at_most, gaussian_at_least, gaussian_ratio_at_least}
//                         values: tv_first, tv_last, d_first, d_last, sphere_max_dw
//   sequence_length       {lengths, sd, rows, seed, method?}   largest weight falls, entropy rises
//                         values: max_first, max_last, entropy_first, entropy_last, n_first, n_last
//   temperature_entropy   {alphas, method?}   entropy falls as alpha grows (alphas sorted)
//                         values: entropy_low, entropy_high, alpha_low, alpha_high
//   max_entropy           {trials, seed}   every row: softmax has the largest entropy among q with
//                         the same expected score (identity)
//                         values: rows, trials, min_gap, mismatch
//   propagation_clusters  {steps, radius, method?, at_most | at_least}   values: clusters, start, steps
//   sensitivity           {alphas, epsilon, trials, seed, method?}   |dY|/|dX| finite, larger at the
//                         largest alpha than at the smallest (whatever the order of the list)
//                         values: ratio_low, ratio_high, alpha_low, alpha_high
//   classification        {data: {...}, labels_per_class, draws, seeds?, method?, gain_at_least | gain_at_most}
//                         gain in accuracy points of one smoothing step; with seeds: the bound is on
//                         the mean gain over data sets with those seeds
//                         values: before, after, gain, fisher_before, fisher_after (one data set);
//                         mean_gain, sd_gain, min_gain, max_gain, negative, data_sets (seeds)
//   sentiment             {form, SENTENCE: above|below, threshold, margin}   above: > threshold + margin
//                         (margin defaults to 0 until lesson 2 states its margins)
//                         values: sentiment.SENTENCE, threshold, margin
//   heads_differ          {sentence, method?}   values: head1, head2 (words)
//   shuffle_invariance    {form, method?, at_most}   (identity)   values: pooled_diff, weight_diff
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compute/loaded_data.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/theory_views.hpp"
#include "lessons/word_attention.hpp"
#include "lessons/word_set.hpp"

namespace ax {

bool is_known_claim_kind(const std::string& kind);
std::vector<std::string> known_claim_kinds();
// Kinds that hold by construction (algebra checked numerically): shown as identity checks.
bool is_identity_claim_kind(const std::string& kind);
// Empty, or letters, digits and '_'.
bool valid_claim_id(const std::string& id);

struct ClaimResult {
  bool holds = false;
  std::string measured;                          // the numbers, e.g. "max |dW| = 2.2e-16"
  std::map<std::string, nlohmann::json> values;  // what the statement's placeholders quote
};

struct FigureSeries {
  std::string label;
  std::vector<double> x, y;
};

struct Figure {
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;
  std::vector<FigureSeries> series;
};

// What the propagation view draws: the points after 0, 1, ..., k update steps.
struct PropagationData {
  std::vector<attn::MatD> path;  // path[0] = the data; path.back() = after lesson.propagation_steps
  std::vector<int> groups;       // cluster of each point when the data have them
  attn::Index clusters = 0;      // count_clusters(path.back(), radius)
  double radius = 0.05;
};

// What the classification view draws: the two classes before and after one smoothing step.
struct ClassificationData {
  attn::MatD before, after;  // first two coordinates of every point
  std::vector<int> labels;
};

struct StepEvaluation {
  std::vector<ClaimResult> claims;         // one per claim of the step
  std::vector<Figure> figures;             // what the sweep claims computed, for the figure view
  PropagationData propagation;             // Propagation view
  std::vector<SentencePooling> sentences;  // Words view
  ClassificationData classification;       // Classification view
  TheoryView theory;                       // Propagation view modes (lessons 2 and 3 theory steps)
  std::string view_error;                  // why the view could not be computed, if it could not
};

// Evaluates every claim of `step` under `state` on `data`; `words` for word claims (may be null).
// A claim that cannot be evaluated (bad parameters) does not hold and says why.
StepEvaluation evaluate_step(const LessonStep& step, const AppState& state, const LoadedData& data,
                             const WordSet* words);

}  // namespace ax
