// The registry of claim kinds and the evaluation of a step's claims. The kinds themselves live in
// their topic files, each exporting its table; adding a topic is one line in claim_topics().
#include "lessons/claims.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "lessons/claims_derivation.hpp"
#include "lessons/claims_language_models.hpp"
#include "lessons/claims_metric.hpp"
#include "lessons/claims_noise.hpp"
#include "lessons/claims_propagation.hpp"
#include "lessons/claims_smoothing.hpp"
#include "lessons/claims_sweeps.hpp"
#include "lessons/claims_weights.hpp"
#include "lessons/claims_words.hpp"
#include "lessons/step_views.hpp"

namespace ax {
namespace {

using nlohmann::json;

bool is_any_key(std::string_view param_name) { return !param_name.empty() && param_name.front() == '<'; }

std::string param_list(const ClaimKind& kind) {
  std::string list;
  for (const ClaimParam& param : kind.params) list += (list.empty() ? "" : ", ") + std::string(param.name);
  return list.empty() ? "none" : list;
}

void require_claim_params(const ClaimKind& kind, const json& params) {
  for (const ClaimParam& param : kind.params) {
    if (param.if_absent.empty() && !is_any_key(param.name) && !params.contains(param.name)) {
      throw attn::InputError("needs '" + std::string(param.name) + "' (" + std::string(param.meaning) + ")");
    }
  }
}

ClaimResult evaluate_claim(const ClaimContext& c) {
  try {
    const ClaimKind* kind = find_claim_kind(c.claim.kind);
    if (!kind) throw attn::InputError("unknown claim kind '" + c.claim.kind + "'");
    reject_unknown_claim_params(*kind, c.claim.params);
    require_claim_params(*kind, c.claim.params);
    return kind->evaluate(c, c.claim.params);
  } catch (const std::exception& e) {
    return {false, std::string("could not be measured: ") + e.what(), {}};
  }
}

// Claims about different F of one sweep (shift_ratio, distance_form) draw the same figure: once.
void drop_repeated_figures(std::vector<Figure>& figures, std::size_t figures_before) {
  for (std::size_t f = figures.size(); f-- > figures_before;) {
    const bool shown = std::any_of(figures.begin(), figures.begin() + static_cast<std::ptrdiff_t>(figures_before),
                                   [&](const Figure& g) { return g.title == figures[f].title; });
    if (shown) figures.erase(figures.begin() + static_cast<std::ptrdiff_t>(f));
  }
}

}  // namespace

const std::vector<ClaimTopic>& claim_topics() {
  static const std::vector<ClaimTopic> topics = {
      {"Weights in the explorer", "claims_weights.cpp", weight_claim_kinds()},
      {"Alam et al.'s derivation, step by step", "claims_derivation.cpp", derivation_claim_kinds()},
      {"Shared noise", "claims_noise.cpp", noise_claim_kinds()},
      {"Sweeps: sequence length, temperature, dimension", "claims_sweeps.cpp", sweep_claim_kinds()},
      {"Attention as smoothing", "claims_smoothing.cpp", smoothing_claim_kinds()},
      {"Attention as propagation", "claims_propagation.cpp", propagation_claim_kinds()},
      {"Metric attention", "claims_metric.cpp", metric_claim_kinds()},
      {"Words: a sentence as a set of word vectors", "claims_words.cpp", word_claim_kinds()},
      {"Trained language models", "claims_language_models.cpp", language_model_claim_kinds()},
  };
  return topics;
}

const ClaimKind* find_claim_kind(std::string_view kind) {
  static const std::map<std::string_view, const ClaimKind*> index = [] {
    std::map<std::string_view, const ClaimKind*> out;
    for (const ClaimTopic& topic : claim_topics()) {
      for (const ClaimKind& k : topic.kinds) out.emplace(k.name, &k);
    }
    return out;
  }();
  const auto it = index.find(kind);
  return it == index.end() ? nullptr : it->second;
}

bool is_known_claim_kind(const std::string& kind) { return find_claim_kind(kind) != nullptr; }

std::vector<std::string> known_claim_kinds() {
  std::vector<std::string> kinds;
  for (const ClaimTopic& topic : claim_topics()) {
    for (const ClaimKind& k : topic.kinds) kinds.emplace_back(k.name);
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

bool is_identity_claim_kind(const std::string& kind) {
  const ClaimKind* k = find_claim_kind(kind);
  return k != nullptr && k->identity;
}

void reject_unknown_claim_params(const ClaimKind& kind, const json& params) {
  const bool any_key = std::any_of(kind.params.begin(), kind.params.end(),
                                   [](const ClaimParam& param) { return is_any_key(param.name); });
  for (const auto& item : params.items()) {
    const std::string& key = item.key();  // a named reference: clang 14 cannot capture a structured binding
    const bool known = any_key || std::any_of(kind.params.begin(), kind.params.end(),
                                              [&](const ClaimParam& param) { return param.name == key; });
    if (!known) {
      throw attn::InputError("'" + attn::printable(key, 80) + "' is not a parameter of the kind '" +
                             std::string(kind.name) + "' (its parameters: " + param_list(kind) + ")");
    }
  }
}

bool valid_claim_id(const std::string& id) {
  return std::all_of(id.begin(), id.end(),
                     [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

StepEvaluation evaluate_step(const LessonStep& step, const AppState& state, const LoadedData& data,
                             const WordSet* words) {
  StepEvaluation out;
  try {
    compute_step_view(step, state, data, words, out);
  } catch (const std::exception& e) {
    out.view_error = attn::one_line(e.what());
  }
  for (const Claim& claim : step.claims) {
    const std::size_t figures_before = out.figures.size();
    ClaimResult result = evaluate_claim(ClaimContext{step, claim, state, data, words, out});
    out.claims.push_back(std::move(result));
    drop_repeated_figures(out.figures, figures_before);
  }
  return out;
}

}  // namespace ax
