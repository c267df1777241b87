#include "compute/prediction_service.hpp"

#include <cmath>

namespace ax {
namespace {

constexpr int kTopTokens = 5;

attn::Vec<double> next_token_probabilities(const attn::LmRun<float>& run) {
  attn::Vec<double> p = run.logits.row(run.logits.rows() - 1).transpose().cast<double>();
  p = (p.array() - p.maxCoeff()).exp().matrix();
  return p / p.sum();
}

}  // namespace

bool same_ranking(const Predictions& p) {
  if (p.clean.size() != p.perturbed.size()) return false;
  for (std::size_t k = 0; k < p.clean.size(); ++k) {
    if (p.clean[k].id != p.perturbed[k].id) return false;
  }
  return true;
}

Predictions predict(const PredictionRequest& request) {
  const SentenceInput& s = *request.sentence;
  attn::LmRunOptions options;
  options.method = s.method;
  options.record_heads = false;
  const attn::LmRun<float> clean = attn::run_language_model<float>(*s.model, s.ids, options);
  options.perturbation = request.perturbation;
  const attn::LmRun<float> perturbed = attn::run_language_model<float>(*s.model, s.ids, options);
  Predictions out;
  out.data_generation = request.data_generation;
  out.perturbation = request.perturbation;
  const auto last = clean.logits.rows() - 1;
  out.clean = attn::top_next_tokens(s.model->vocabulary, clean.logits.row(last).transpose().cast<double>(), kTopTokens);
  out.perturbed =
      attn::top_next_tokens(s.model->vocabulary, perturbed.logits.row(last).transpose().cast<double>(), kTopTokens);
  const attn::Vec<double> difference = next_token_probabilities(perturbed) - next_token_probabilities(clean);
  out.total_variation = 0.5 * difference.cwiseAbs().sum();
  out.max_abs_difference = difference.cwiseAbs().maxCoeff();
  out.undefined_clean = clean.undefined_rows;
  out.undefined_perturbed = perturbed.undefined_rows;
  out.rows = clean.rows;
  return out;
}

PredictionService::PredictionService()
    : worker_([this](const PredictionRequest& request, std::uint64_t, const std::atomic<bool>&) {
        auto result = std::make_shared<const Predictions>(predict(request));
        std::lock_guard<std::mutex> lock(mutex_);
        result_ = std::move(result);
      }) {}

std::shared_ptr<const Predictions> PredictionService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

}  // namespace ax
