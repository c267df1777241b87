#include "controller/sentence_controller.hpp"

#include <algorithm>

#include "compute/sentence_loading.hpp"

namespace ax {

attn::LmPerturbation sentence_perturbation(const NoiseSettings& noise) {
  attn::LmPerturbation p;
  p.shift = noise.shift;
  p.global_rms = noise.global_rms;
  p.local_rms = noise.local_rms;
  p.seed = noise.seed;
  p.draw = noise.draw;
  return p;
}

void adopt_sentence_attention(AttentionSettings& attention, const LoadedData& data) {
  if (!data.sentence) return;
  attention.score = "scaled-dot";
  attention.alpha = 1.0;
  attention.mask = "causal";
  const SentenceInput& s = *data.sentence;
  const std::string own = s.method ? s.method->spec() : s.model->config.method.spec();
  // The model's F and one other (beside the model's own W): three heatmaps, large enough for the
  // tokens on their axes. More can be added.
  attention.methods = {own, own == "exp" ? "relu" : "exp"};
}

nlohmann::json predictions_json(const Predictions& p) {
  const auto tokens = [](const std::vector<attn::NextToken>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : list) out.push_back({{"token", t.token}, {"id", t.id}, {"probability", t.probability}});
    return out;
  };
  return {{"clean", tokens(p.clean)},
          {"perturbed", tokens(p.perturbed)},
          {"shift", p.perturbation.shift},
          {"global_rms", p.perturbation.global_rms},
          {"local_rms", p.perturbation.local_rms},
          {"total_variation", p.total_variation},
          {"max_abs_difference", p.max_abs_difference},
          {"same_ranking", same_ranking(p)},
          {"undefined_clean", p.undefined_clean},
          {"undefined_perturbed", p.undefined_perturbed}};
}

nlohmann::json robustness_json(const RobustnessService& service) {
  const auto [done, total] = service.progress();
  nlohmann::json out = {{"running", service.running()}, {"done", done}, {"total", total}, {"status", service.status()}};
  const auto chart = service.result();
  if (!chart) return out;
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : chart->result.models) {
    std::vector<double> by_shift, by_noise;
    for (const auto& s : m.by_shift) by_shift.push_back(s.perplexity);
    for (const auto& seeds : m.by_noise) by_noise.push_back(attn::mean_spread(seeds, &attn::LmScore::perplexity).mean);
    models.push_back({{"name", m.name}, {"perplexity_by_shift", by_shift}, {"perplexity_by_global_rms", by_noise}});
  }
  out["windows"] = chart->result.windows;
  out["models"] = models;
  return out;
}

void SentenceController::sync(const AppState& state, const std::shared_ptr<const LoadedData>& data,
                              std::uint64_t data_generation) {
  if (state.robustness.compute_on_open && !robustness_opened_) robustness_.start(state.robustness);
  robustness_opened_ = true;
  if (!data || !data->sentence) {
    sentence_generation_ = 0;
    submitted_.reset();
    return;
  }
  sentence_generation_ = data_generation;
  const NoiseSettings& n = state.noise;
  const Inputs inputs{data_generation, n.shift, n.global_rms, n.local_rms, n.seed, n.draw};
  if (submitted_ && *submitted_ == inputs) return;
  submitted_ = inputs;
  predictions_.submit({data->sentence, sentence_perturbation(n), data_generation});
}

const std::vector<LanguageModelChoice>& SentenceController::model_choices() {
  if (!choices_) choices_ = language_model_choices();
  return *choices_;
}

std::shared_ptr<const Predictions> SentenceController::predictions() const {
  auto result = predictions_.result();
  if (!result || sentence_generation_ == 0 || result->data_generation != sentence_generation_) return nullptr;
  return result;
}

}  // namespace ax
