// The sentence's next-token predictions, clean and under the current perturbation (M on every
// score of every head, shared and local noise on the embeddings), computed off the UI thread as M
// and the noise move.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "attn/lm/forward.hpp"
#include "compute/latest_only_worker.hpp"
#include "compute/sentence_loading.hpp"

namespace ax {

struct PredictionRequest {
  std::shared_ptr<const SentenceInput> sentence;
  attn::LmPerturbation perturbation;
  std::uint64_t data_generation = 0;  // of the data the sentence came from
};

struct Predictions {
  std::uint64_t data_generation = 0;
  attn::LmPerturbation perturbation;
  std::vector<attn::NextToken> clean, perturbed;  // the 5 most probable next tokens
  // Between the clean and perturbed next-token distributions over the whole vocabulary.
  double total_variation = 0.0;
  double max_abs_difference = 0.0;
  attn::Index undefined_clean = 0, undefined_perturbed = 0, rows = 0;  // rows of every layer and head
};

// Same top token and the same five in the same order.
bool same_ranking(const Predictions& p);

// Both runs of a request, in float as the models were trained (also what the lessons measure).
Predictions predict(const PredictionRequest& request);

class PredictionService {
 public:
  PredictionService();
  void submit(PredictionRequest request) { worker_.submit(std::move(request)); }
  // The newest finished predictions (null before the first).
  std::shared_ptr<const Predictions> result() const;
  std::string error() const { return worker_.error(); }
  bool busy() const { return worker_.busy(); }
  void wait_until_idle() { worker_.wait_until_idle(); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Predictions> result_;
  LatestOnlyWorker<PredictionRequest> worker_;  // last: its thread uses the members above
};

}  // namespace ax
