#include "attn/lm/robustness.hpp"

#include <cmath>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

// Runs the evaluations one after another, reporting windows done over all of them.
class Evaluations {
 public:
  Evaluations(const HeldoutText& text, Index windows, int evaluations, const ProgressReporter& progress)
      : text_(text), windows_(windows), total_(static_cast<int>(windows) * evaluations), progress_(progress) {}

  LmScore run(const LanguageModel& model, const LmRunOptions& options) {
    ProgressReporter inner;
    inner.cancel = progress_.cancel;
    const int offset = done_;
    if (progress_.on_progress) inner.on_progress = [&](int done, int) { progress_.on_progress(offset + done, total_); };
    const LmScore score = evaluate_heldout(model, text_, options, inner, windows_);
    done_ += static_cast<int>(windows_);
    return score;
  }

 private:
  const HeldoutText& text_;
  Index windows_;
  int total_;
  int done_ = 0;
  const ProgressReporter& progress_;
};

ModelRobustness sweep_model(const LanguageModel& model, const RobustnessLevels& levels, Evaluations& evaluations) {
  ModelRobustness out;
  out.path = model.path;
  out.name = model.config.name;
  out.trained_with = model.config.method_spec;
  out.training_noise = model.config.noise_global_rms;
  LmRunOptions options;
  options.method = levels.method;
  options.record_heads = false;
  out.clean = evaluations.run(model, options);
  for (double m : levels.shifts) {
    options.perturbation = {};
    options.perturbation.shift = m;
    out.by_shift.push_back(m == 0.0 ? out.clean : evaluations.run(model, options));
  }
  for (double rms : levels.global_rms) {
    std::vector<LmScore> seeds;
    for (int k = 0; k < (rms > 0.0 ? levels.seeds : 1); ++k) {
      options.perturbation = {};
      options.perturbation.global_rms = rms;
      options.perturbation.seed = levels.seed + static_cast<std::uint64_t>(k);
      seeds.push_back(rms == 0.0 ? out.clean : evaluations.run(model, options));
    }
    out.by_noise.push_back(std::move(seeds));
  }
  return out;
}

}  // namespace

MeanSpread mean_spread(const std::vector<LmScore>& scores, double LmScore::*measure) {
  MeanSpread out;
  if (scores.empty()) return out;
  for (const LmScore& s : scores) out.mean += s.*measure;
  out.mean /= static_cast<double>(scores.size());
  if (scores.size() < 2) return out;
  double sum = 0.0;
  for (const LmScore& s : scores) sum += (s.*measure - out.mean) * (s.*measure - out.mean);
  out.sd = std::sqrt(sum / static_cast<double>(scores.size() - 1));
  return out;
}

int robustness_evaluations(const RobustnessLevels& levels, std::size_t models) {
  int per_model = 1;
  for (double m : levels.shifts) per_model += m != 0.0 ? 1 : 0;
  for (double s : levels.global_rms) per_model += s > 0.0 ? levels.seeds : 0;
  return per_model * static_cast<int>(models);
}

RobustnessResult robustness_sweep(const std::vector<const LanguageModel*>& models, const HeldoutText& text,
                                  const RobustnessLevels& levels, const ProgressReporter& progress) {
  if (models.empty()) throw UsageError("no language model to evaluate");
  if (levels.seeds < 1) throw UsageError("at least one seed per noise level");
  for (double s : levels.global_rms) {
    if (!(s >= 0.0) || !std::isfinite(s)) throw UsageError("a noise level s_g must be a finite number >= 0");
  }
  for (double m : levels.shifts) {
    if (!std::isfinite(m)) throw UsageError("a shift M must be a finite number");
  }
  RobustnessResult result;
  result.levels = levels;
  result.windows = heldout_window_count(text, models.front()->config.context);
  if (levels.windows > 0) result.windows = std::min(result.windows, levels.windows);
  Evaluations evaluations(text, result.windows, robustness_evaluations(levels, models.size()), progress);
  for (const LanguageModel* model : models) result.models.push_back(sweep_model(*model, levels, evaluations));
  return result;
}

}  // namespace attn
