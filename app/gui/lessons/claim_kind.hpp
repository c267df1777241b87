// The claim framework: what a claim kind is. Every kind is one ClaimKind entry in the table of its
// topic file (claims_<topic>.cpp); the registry (claims.hpp: claim_topics, find_claim_kind) gathers
// the tables, the step evaluation runs them, load_lesson checks a claim's params against them, and
// the lesson authors' documentation (claim_docs.hpp: `attention-explorer --list-claims`,
// docs/claim_kinds.md) is generated from them. How to add a kind: README, "Lessons".
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ax {

struct AppState;
struct Claim;
struct ClaimResult;
struct LessonStep;
struct LoadedData;
struct StepEvaluation;
struct WordSet;

// Everything a claim may read, and where it leaves what it draws.
struct ClaimContext {
  const LessonStep& step;
  const Claim& claim;      // the claim measured: its kind and id name it in messages
  const AppState& state;   // the step's settings as they are now (the user may have changed them)
  const LoadedData& data;  // the step's data
  const WordSet* words;    // the step's word set (view_options.words), or null
  StepEvaluation& out;     // figures a claim computes go to out.figures
};

// Measures a claim under the context's settings. Bad params throw attn::InputError; the step
// evaluation shows the message as "could not be measured" and the claim as not holding.
using ClaimEvaluator = ClaimResult (*)(const ClaimContext& context, const nlohmann::json& params);

// One parameter of a kind, as lesson authors read it.
struct ClaimParam {
  std::string_view name;  // the key in params; a name in <angle brackets> stands for any other key
  std::string_view meaning;
  // What happens when the key is absent ("default 20", "not checked"); empty: the key is required,
  // and a lesson without it does not load.
  std::string_view if_absent = {};
};

struct ClaimKind {
  std::string_view name;
  ClaimEvaluator evaluate = nullptr;
  // An identity of the algebra checked numerically (shown as an identity check, never as
  // evidence), rather than an empirical claim that can fail for some settings.
  bool identity = false;
  std::string_view measures;             // what is measured, and when the claim holds
  std::vector<ClaimParam> params;        // every key params may hold; load_lesson rejects any other
  std::vector<std::string_view> values;  // what a statement may quote ({name}); <x> is any one segment
};

// The parameters many kinds share, written once.
// The method measured. There is no silent default: a step with no method, and a claim that names
// none, is an error naming the step and the claim (method_of, claim_support.hpp).
inline constexpr ClaimParam kMethodParam{"method", "the method measured", "the step's first method"};
inline constexpr ClaimParam kAtMost{"at_most", "upper bound on the measured value",
                                    "not checked; give at_most or at_least or both"};
inline constexpr ClaimParam kAtLeast{"at_least", "lower bound on the measured value",
                                     "not checked; give at_most or at_least or both"};
inline constexpr ClaimParam kSeed{"seed", "seed of the random draws", "default 1"};

}  // namespace ax
