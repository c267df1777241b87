#include "compute/study_service.hpp"

#include "attn/base/errors.hpp"

namespace ax {

StudyService::StudyService()
    : worker_([this](const ComputeRequest& request, std::uint64_t, const std::atomic<bool>& cancel) {
        run(request, cancel);
      }) {}

std::string StudyService::cancelled_text() const {
  return "cancelled after " + std::to_string(done_.load()) + " of " + std::to_string(total_.load()) + " draws";
}

void StudyService::start(const ComputeRequest& request) {
  done_.store(0);
  total_.store(request.noise.study_draws);
  worker_.submit(request);
}

void StudyService::cancel() {
  const bool was_running = worker_.busy();
  worker_.cancel();
  // A study dropped before its first draw reports here; a running one reports its own count.
  if (!was_running) return;
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = cancelled_text();
}

std::shared_ptr<const StudyResult> StudyService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::string StudyService::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void StudyService::run(const ComputeRequest& request, const std::atomic<bool>& cancel) {
  done_.store(0);
  total_.store(request.noise.study_draws);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.clear();
  }
  std::string status;
  try {
    if (request.data->weights_only) throw attn::InputError("the study needs vectors, not weight matrices");
    std::vector<attn::Method> methods;
    for (const auto& spec : request.attention.methods) {
      try {
        methods.push_back(attn::parse_method(spec));
      } catch (const attn::UsageError&) {
        // methods with errors are shown as such elsewhere; the study runs the usable ones
      }
    }
    attn::NoiseStudyConfig config;
    config.global_rms = request.noise.global_rms;
    config.local_rms = request.noise.local_rms;
    config.target = attn::parse_noise_target(request.noise.target);
    config.draws = request.noise.study_draws;
    config.seed = request.noise.seed;
    attn::ProgressReporter progress;
    progress.cancel = &cancel;
    progress.on_progress = [this](int done, int) { done_.store(done); };
    auto result = std::make_shared<StudyResult>();
    result->noise = request.noise;
    result->score = request.attention.score;
    result->alpha = request.attention.alpha;
    result->study =
        attn::noise_study(engine_vectors<double>(*request.data), request_spec(request, {}), methods, config, progress);
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(result);
  } catch (const attn::Cancelled&) {
    status = cancelled_text();
  } catch (const std::exception& e) {
    status = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = status;
}

}  // namespace ax
