// The claims lesson steps make, measured by the engine for the live settings. A claim that does
// not hold for the current settings is shown as not holding: the lesson never asserts what the
// numbers on screen do not support.
//
// Every claim has a statement whose numbers are placeholders filled from the values the claim
// measured ({NAME}), its params ({param.PATH}) and the step's state ({state.PATH}): see
// claim_text.hpp. The kinds, their params and their values are listed in docs/claim_kinds.md,
// generated from the registry below (`attention-explorer --list-claims`); the framework a kind is
// written in is claim_kind.hpp.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compute/loaded_data.hpp"
#include "lessons/claim_kind.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/theory_views.hpp"
#include "lessons/word_attention.hpp"
#include "lessons/word_set.hpp"

namespace ax {

// ---- The registry: every claim kind, by topic (each topic file exports its table).
struct ClaimTopic {
  std::string_view title;  // e.g. "Alam et al.'s derivation, step by step"
  std::string_view file;   // the file that defines its kinds, e.g. "claims_derivation.cpp"
  std::span<const ClaimKind> kinds;
};
const std::vector<ClaimTopic>& claim_topics();
// Null for an unknown kind.
const ClaimKind* find_claim_kind(std::string_view kind);

bool is_known_claim_kind(const std::string& kind);
std::vector<std::string> known_claim_kinds();  // sorted
// Kinds that hold by construction (algebra checked numerically): shown as identity checks.
bool is_identity_claim_kind(const std::string& kind);
// Throws attn::InputError when `params` holds a key that the kind does not document (a typo would
// otherwise be ignored). A missing required key is reported when the claim is evaluated.
void reject_unknown_claim_params(const ClaimKind& kind, const nlohmann::json& params);
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
