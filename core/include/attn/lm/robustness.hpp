// How held-out perplexity and next-token accuracy of language models respond to a shift M of
// every score and to shared noise on the embeddings: one evaluation per model and level, M with
// the noise off and the noise with M = 0, each noise level over several seeds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attn/lm/heldout.hpp"

namespace attn {

struct RobustnessLevels {
  std::vector<double> shifts;      // M, with no noise (0 is the clean model)
  std::vector<double> global_rms;  // s_g of one shared g per window, with M = 0 (0 is the clean model)
  std::uint64_t seed = 1;          // seeds seed, seed + 1, ... of each noise level
  int seeds = 1;
  Index windows = -1;            // held-out windows per evaluation (-1: all)
  std::optional<Method> method;  // the F of every head instead of each model's own
};

struct ModelRobustness {
  std::string path, name;
  std::string trained_with;                    // the model's own F ("power:2")
  double training_noise = 0.0;                 // s_g it was trained with
  LmScore clean;                               // M = 0, no noise
  std::vector<LmScore> by_shift;               // one per levels.shifts
  std::vector<std::vector<LmScore>> by_noise;  // one per levels.global_rms: one score per seed (the clean one at 0)
};

struct RobustnessResult {
  RobustnessLevels levels;
  Index windows = 0;
  std::vector<ModelRobustness> models;
};

// Mean and sample standard deviation (0 for one value) of one measure over seeds.
struct MeanSpread {
  double mean = 0.0, sd = 0.0;
};
MeanSpread mean_spread(const std::vector<LmScore>& scores, double LmScore::*measure);

// Number of held-out evaluations robustness_sweep runs for `models` models.
int robustness_evaluations(const RobustnessLevels& levels, std::size_t models);

// Every model at every level. Progress counts windows over all evaluations; the cancel flag stops
// it (attn::Cancelled). Throws InputError when a model's vocabulary is not the text's.
RobustnessResult robustness_sweep(const std::vector<const LanguageModel*>& models, const HeldoutText& text,
                                  const RobustnessLevels& levels, const ProgressReporter& progress = {});

}  // namespace attn
