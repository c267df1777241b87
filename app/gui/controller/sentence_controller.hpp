// The sentence mode's services, owned by the controller: the next-token predictions, kept in step
// with the state (the sentence, M and the noise), and the robustness chart, started and cancelled
// on request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "compute/language_models.hpp"
#include "compute/loaded_data.hpp"
#include "compute/prediction_service.hpp"
#include "compute/robustness_service.hpp"
#include "state/app_state.hpp"

namespace ax {

// The perturbation the predictions run with: M on every score of every head; the shared and local
// noise of the noise settings on the embeddings, from their seed and draw.
attn::LmPerturbation sentence_perturbation(const NoiseSettings& noise);

// When a sentence's model opens: the scores the model used (scaled-dot, alpha 1, causal), and as
// methods its own F and one other, so the recomputed heatmaps can match its weights.
void adopt_sentence_attention(AttentionSettings& attention, const LoadedData& data);

// For reports (GUI tests, scripts): the tokens and probabilities, clean and perturbed.
nlohmann::json predictions_json(const Predictions& predictions);
// The robustness chart's state: running, progress, status, and each model's perplexities.
nlohmann::json robustness_json(const RobustnessService& service);

class SentenceController {
 public:
  // Submits new predictions when the sentence or the perturbation changed.
  void sync(const AppState& state, const std::shared_ptr<const LoadedData>& data, std::uint64_t data_generation);
  // The predictions of the current sentence (null while the first ones are computed, or when the
  // data is not a sentence).
  std::shared_ptr<const Predictions> predictions() const;
  bool predicting() const { return predictions_.busy(); }
  std::string prediction_error() const { return predictions_.error(); }

  // The models of assets/models/ for the picker (their configs are read on the first call).
  const std::vector<LanguageModelChoice>& model_choices();

  void start_robustness(const RobustnessSettings& settings) { robustness_.start(settings); }
  void cancel_robustness() { robustness_.cancel(); }
  const RobustnessService& robustness() const { return robustness_; }

  // Tests and automation.
  void wait_for_predictions() { predictions_.wait_until_idle(); }
  void wait_for_robustness() { robustness_.wait(); }

 private:
  struct Inputs {
    std::uint64_t data_generation = 0;
    double shift = 0.0, global_rms = 0.0, local_rms = 0.0;
    std::uint64_t seed = 0, draw = 0;
    bool operator==(const Inputs&) const = default;
  };
  std::optional<Inputs> submitted_;
  std::uint64_t sentence_generation_ = 0;  // data generation of the current sentence, 0 when none
  std::optional<std::vector<LanguageModelChoice>> choices_;
  bool robustness_opened_ = false;  // compute_on_open was acted on
  PredictionService predictions_;
  RobustnessService robustness_;
};

}  // namespace ax
