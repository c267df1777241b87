// The models are read once per process (compute/language_models.hpp). Sentence claims run the
// sentence of the step's data (the "sentence" source) unless they name one; held-out claims score
// the first `windows` windows of assets/models/heldout.npz in float, as the models were trained.
#include "lessons/claims_language_models.hpp"

#include <algorithm>
#include <cmath>

#include "attn/base/errors.hpp"
#include "attn/lm/heldout.hpp"
#include "attn/lm/robustness.hpp"
#include "attn/lm/tokenizer.hpp"
#include "compute/language_models.hpp"
#include "lessons/claim_support.hpp"
#include "state/app_state.hpp"

namespace ax {
namespace {

using nlohmann::json;

std::shared_ptr<const attn::LanguageModel> model_of(const json& p) {
  return language_model_cache().model(language_model_path(p.at("model").get<std::string>()));
}

// The claim's sentence, else the step's (the sentence source), else the app's default one.
std::vector<int> sentence_ids(const ClaimContext& c, const json& p, const attn::LanguageModel& model) {
  std::string text = kDefaultSentence;
  if (p.contains("sentence")) {
    text = p.at("sentence").get<std::string>();
  } else if (c.state.data.source == DataSource::Sentence) {
    text = c.state.data.sentence;
  }
  std::vector<std::string> tokens = attn::tokenize_kjv_words(text);
  if (tokens.empty()) throw attn::InputError("the sentence has no tokens");
  const auto context = static_cast<std::size_t>(model.config.context);
  if (tokens.size() > context) tokens.erase(tokens.begin(), tokens.end() - static_cast<long>(context));
  return model.vocabulary.encode(tokens);
}

// M: the claim's "shift", else the step's shift; s_g: the claim's "global_rms", else the step's.
attn::LmPerturbation perturbation_of_claim(const ClaimContext& c, const json& p) {
  attn::LmPerturbation out;
  out.shift = p.value("shift", c.state.noise.shift);
  out.global_rms = p.value("global_rms", c.state.noise.global_rms);
  out.seed = p.value("seed", static_cast<unsigned long long>(c.state.noise.seed));
  out.draw = c.state.noise.draw;  // the predictions panel's draw: the claim measures what it shows
  if (!std::isfinite(out.shift)) throw attn::InputError("'shift' must be finite");
  if (!(out.global_rms >= 0.0) || !std::isfinite(out.global_rms)) throw attn::InputError("'global_rms' must be >= 0");
  return out;
}

template <class T>
attn::MatD probabilities(const attn::LmRun<T>& run) {
  attn::MatD logits = run.logits.template cast<double>();
  for (attn::Index t = 0; t < logits.rows(); ++t) {
    logits.row(t) = (logits.row(t).array() - logits.row(t).maxCoeff()).exp().matrix();
    logits.row(t) /= logits.row(t).sum();
  }
  return logits;
}

// Next-token distributions after every token of the sentence, clean and perturbed.
template <class T>
std::pair<attn::MatD, attn::MatD> clean_and_perturbed(const attn::LanguageModel& model, const std::vector<int>& ids,
                                                      const attn::LmPerturbation& perturbation) {
  attn::LmRunOptions options;
  options.record_heads = false;
  const attn::MatD clean = probabilities(attn::run_language_model<T>(model, ids, options));
  options.perturbation = perturbation;
  return {clean, probabilities(attn::run_language_model<T>(model, ids, options))};
}

ClaimResult shift_identity(const ClaimContext& c, const json& p) {
  const auto model = model_of(p);
  attn::LmPerturbation shift;
  shift.shift = p.value("shift", c.state.noise.shift);
  const auto [clean, shifted] = clean_and_perturbed<double>(*model, sentence_ids(c, p, *model), shift);
  const double gap = (shifted - clean).cwiseAbs().maxCoeff();
  const double limit = p.value("at_most", 1e-12);
  ClaimResult r{gap <= limit, "", {}};
  r.measured = model->config.name + " (" + model->description() + ") at M = " + number(shift.shift) +
               ": largest change of a next-token probability " + number(gap) + " over " + std::to_string(clean.rows()) +
               " positions, float64 (claim <= " + number(limit) + ")";
  r.values["gap"] = gap;
  r.values["shift"] = shift.shift;
  r.values["positions"] = clean.rows();
  return r;
}

// Over the sentence's positions: mean total variation between the distributions, and the share
// of positions whose most probable next token changed.
ClaimResult sentence_change(const ClaimContext& c, const json& p) {
  const auto model = model_of(p);
  const attn::LmPerturbation perturbation = perturbation_of_claim(c, p);
  const auto [clean, perturbed] = clean_and_perturbed<float>(*model, sentence_ids(c, p, *model), perturbation);
  const attn::Index n = clean.rows();
  double tv = 0.0;
  int changed = 0;
  for (attn::Index t = 0; t < n; ++t) {
    tv += 0.5 * (perturbed.row(t) - clean.row(t)).cwiseAbs().sum();
    attn::Index a = 0, b = 0;
    clean.row(t).maxCoeff(&a);
    perturbed.row(t).maxCoeff(&b);
    changed += a != b ? 1 : 0;
  }
  tv /= static_cast<double>(n);
  const double share = static_cast<double>(changed) / static_cast<double>(n);
  const Bound bound = Bound::from(p);
  ClaimResult r{bound.holds(tv), "", {}};
  r.measured = model->config.name + " at M = " + number(perturbation.shift) +
               ", s_g = " + number(perturbation.global_rms) + ": mean total variation " + number(tv) + " (claim " +
               bound.text() + "); top token changed at " + std::to_string(changed) + " of " + std::to_string(n) +
               " positions";
  r.values["tv"] = tv;
  r.values["top_changed"] = changed;
  r.values["top_changed_share"] = share;
  r.values["positions"] = n;
  r.values["shift"] = perturbation.shift;
  r.values["global_rms"] = perturbation.global_rms;
  return r;
}

// Held-out perplexity under the perturbation over its clean value; with shared noise, the mean
// over `seeds` seeds.
struct HeldoutChange {
  double clean = 0.0, perturbed = 0.0, spread = 0.0;
};

HeldoutChange heldout_change(const attn::LanguageModel& model, const attn::LmPerturbation& perturbation, int windows,
                             int seeds) {
  const auto text = language_model_cache().heldout(heldout_text_path());
  attn::LmRunOptions options;
  options.record_heads = false;
  HeldoutChange out;
  out.clean = attn::evaluate_heldout(model, *text, options, {}, windows).perplexity;
  std::vector<attn::LmScore> scores;
  const int draws = perturbation.has_noise() ? seeds : 1;
  for (int k = 0; k < draws; ++k) {
    options.perturbation = perturbation;
    options.perturbation.seed = perturbation.seed + static_cast<std::uint64_t>(k);
    scores.push_back(attn::evaluate_heldout(model, *text, options, {}, windows));
  }
  const attn::MeanSpread s = attn::mean_spread(scores, &attn::LmScore::perplexity);
  out.perturbed = s.mean;
  out.spread = s.sd;
  return out;
}

int positive_int(const json& p, const char* key, int fallback, int most) {
  const int v = p.value(key, fallback);
  if (v < 1 || v > most) throw attn::InputError(std::string("'") + key + "' must be in 1.." + std::to_string(most));
  return v;
}

ClaimResult heldout_perplexity(const ClaimContext& c, const json& p) {
  const auto model = model_of(p);
  const attn::LmPerturbation perturbation = perturbation_of_claim(c, p);
  const int windows = positive_int(p, "windows", 48, 569), seeds = positive_int(p, "seeds", 3, 20);
  const HeldoutChange h = heldout_change(*model, perturbation, windows, seeds);
  const double ratio = h.perturbed / h.clean;
  const Bound bound = Bound::from(p);
  ClaimResult r{bound.holds(ratio), "", {}};
  r.measured = model->config.name + ", " + std::to_string(windows) +
               " held-out windows, M = " + number(perturbation.shift) + ", s_g = " + number(perturbation.global_rms) +
               ": perplexity " + number(h.clean) + " -> " + number(h.perturbed) +
               (perturbation.has_noise() ? " (sd " + number(h.spread) + " over " + std::to_string(seeds) + " seeds)"
                                         : std::string()) +
               ", ratio " + number(ratio) + " (claim " + bound.text() + ")";
  r.values["clean"] = h.clean;
  r.values["perturbed"] = h.perturbed;
  r.values["ratio"] = ratio;
  r.values["spread"] = h.spread;
  r.values["windows"] = windows;
  return r;
}

// Two models under the same perturbation: the rise of model a's perplexity over model b's.
ClaimResult heldout_compare(const ClaimContext& c, const json& p) {
  json pa = p, pb = p;
  pb["model"] = p.at("other");
  const auto a = model_of(pa), b = model_of(pb);
  const attn::LmPerturbation perturbation = perturbation_of_claim(c, p);
  const int windows = positive_int(p, "windows", 48, 569), seeds = positive_int(p, "seeds", 3, 20);
  const HeldoutChange ha = heldout_change(*a, perturbation, windows, seeds);
  const HeldoutChange hb = heldout_change(*b, perturbation, windows, seeds);
  const double rise_a = ha.perturbed / ha.clean, rise_b = hb.perturbed / hb.clean;
  const double ratio = rise_a / rise_b;
  const Bound bound = Bound::from(p);
  ClaimResult r{bound.holds(ratio), "", {}};
  r.measured = "perplexity rises x" + number(rise_a) + " for " + a->config.name + " (" + number(ha.clean) + " -> " +
               number(ha.perturbed) + "), x" + number(rise_b) + " for " + b->config.name + " (" + number(hb.clean) +
               " -> " + number(hb.perturbed) + "); ratio " + number(ratio) + " (claim " + bound.text() + ")";
  r.values["rise"] = rise_a;
  r.values["other_rise"] = rise_b;
  r.values["ratio"] = ratio;
  r.values["perturbed"] = ha.perturbed;
  r.values["other_perturbed"] = hb.perturbed;
  r.values["clean"] = ha.clean;
  r.values["other_clean"] = hb.clean;
  return r;
}

constexpr ClaimParam kModel{"model", "a model of assets/models/ by name (exp, relu, ...) or a path to one"};
constexpr ClaimParam kSentenceText{"sentence", "the text run through the model",
                                   "the step's sentence (source 'sentence'), else the app's default sentence"};
constexpr ClaimParam kShift{"shift", "M, added to every score of every head", "the step's shift M"};
constexpr ClaimParam kGlobalRms{"global_rms", "s_g of one shared vector g on every token's embedding",
                                "the step's s_g"};
constexpr ClaimParam kNoiseSeed{"seed", "seed of the shared noise (held-out claims: the first of the seeds)",
                                "the step's noise seed"};
constexpr ClaimParam kWindows{"windows", "held-out windows of 64 tokens scored (1 to 569)", "default 48"};
constexpr ClaimParam kSeeds{"seeds", "seeds of the shared noise, averaged (1 to 20)", "default 3"};

}  // namespace

std::span<const ClaimKind> language_model_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "lm_shift_identity",
       .evaluate = shift_identity,
       .identity = true,
       .measures = "the largest change of any next-token probability, after every token of the sentence, when M is "
                   "added to every score of every head of the model (float64); holds for an exp-trained model "
                   "whatever M: softmax's weights do not see a constant",
       .params = {kModel, kSentenceText, kShift, {"at_most", "upper bound on the change", "default 1e-12"}},
       .values = {"gap", "shift", "positions"}},
      {.name = "lm_sentence_change",
       .evaluate = sentence_change,
       .measures = "the mean, over the sentence's positions, of the total variation between the model's clean and "
                   "perturbed next-token distributions (float32, as trained), within the bound",
       .params = {kModel, kSentenceText, kShift, kGlobalRms, kNoiseSeed, kAtMost, kAtLeast},
       .values = {"tv", "top_changed", "top_changed_share", "positions", "shift", "global_rms"}},
      {.name = "lm_heldout_perplexity",
       .evaluate = heldout_perplexity,
       .measures = "held-out perplexity under the perturbation over the clean one (with shared noise: the mean over "
                   "the seeds), within the bound",
       .params = {kModel, kShift, kGlobalRms, kWindows, kSeeds, kNoiseSeed, kAtMost, kAtLeast},
       .values = {"clean", "perturbed", "ratio", "spread", "windows"}},
      {.name = "lm_heldout_compare",
       .evaluate = heldout_compare,
       .measures = "the rise of the model's held-out perplexity under the perturbation (perturbed / clean) over the "
                   "same rise of the other model, within the bound",
       .params = {kModel,
                  {"other", "the model compared with, as 'model'"},
                  kShift,
                  kGlobalRms,
                  kWindows,
                  kSeeds,
                  kNoiseSeed,
                  kAtMost,
                  kAtLeast},
       .values = {"rise", "other_rise", "ratio", "clean", "other_clean", "perturbed", "other_perturbed"}},
  };
  return table;
}

}  // namespace ax
