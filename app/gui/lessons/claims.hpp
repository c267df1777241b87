// The claims lesson steps make, measured by the engine for the live settings. A claim that does
// not hold for the current settings is shown as not holding: the lesson never asserts what the
// numbers on screen do not support.
//
// Kinds and their params (bounds: "at_most" / "at_least"):
//   deviation             {methods: [...], at_most | at_least}   max |W_perturbed - W_clean|
//   exact_zeros           {method, at_least}                      exact zeros in the clean weights
//   undefined_rows        {method, which: clean|perturbed, at_least | at_most}
//   precision             {method, at_most}   float32 weights against float64, none undefined
//   distance_order        {}      every row's weights fall as the distance grows (neg-sqdist, exp)
//   score_shift           {draws, seed, relative_error_at_most}   mean change of dot products vs s_g^2 d
//   spread_falls          {}      one step brings points nearer their group centre
//   dot_vs_distance       {n, dims, seed, sphere_at_most, gaussian_at_least, gaussian_ratio_at_least}
//   sequence_length       {lengths, sd, rows, seed}               max weight falls, entropy rises
//   temperature_entropy   {alphas}                                entropy falls as alpha grows
//   max_entropy           {trials, seed}                          softmax has the largest entropy
//   propagation_clusters  {steps, radius, at_most | at_least}     clusters left after the steps
//   sensitivity           {alphas: [...], epsilon, trials, seed}  |dY|/|dX| finite, larger at the last alpha
//   classification        {data: {...}, score, alpha, labels_per_class, draws, gain_at_least | gain_at_most}
//   sentiment             {form, positive: above|below, negative: above|below, threshold}
//   heads_differ          {sentence}  the two heads put their largest weight on different words
//   shuffle_invariance    {form}      shuffling the words permutes the weights, pooled result unchanged
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lessons/lesson_file.hpp"
#include "lessons/word_attention.hpp"
#include "lessons/word_set.hpp"
#include "model/loaded_data.hpp"

namespace ax {

bool is_known_claim_kind(const std::string& kind);

struct ClaimResult {
  bool holds = false;
  std::string measured;  // the numbers, e.g. "max |dW| = 2.2e-16"
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
  std::vector<attn::MatD> path;   // path[0] = the data; path.back() = after lesson.propagation_steps
  std::vector<int> groups;        // cluster of each point when the data have them
  attn::Index clusters = 0;       // count_clusters(path.back(), radius)
  double radius = 0.05;
};

// What the classification view draws: the two classes before and after one smoothing step.
struct ClassificationData {
  attn::MatD before, after;        // first two coordinates of every point
  std::vector<int> labels;
};

struct StepEvaluation {
  std::vector<ClaimResult> claims;  // one per claim of the step
  std::vector<Figure> figures;      // what the sweep claims computed, for the figure view
  PropagationData propagation;      // Propagation view
  std::vector<SentencePooling> sentences;  // Words view
  ClassificationData classification;       // Classification view
  std::string view_error;           // why the view could not be computed, if it could not
};

// Evaluates every claim of `step` under `state` on `data`; `words` for word claims (may be null).
// A claim that cannot be evaluated (bad parameters) does not hold and says why.
StepEvaluation evaluate_step(const LessonStep& step, const AppState& state, const LoadedData& data,
                             const WordSet* words);

}  // namespace ax
