#include "model/study_service.hpp"

#include "attn/errors.hpp"

namespace ax {

StudyService::~StudyService() {
  cancel();
  join();
}

void StudyService::join() {
  if (thread_.joinable()) thread_.join();
}

void StudyService::cancel() { cancel_.store(true); }

void StudyService::wait() { join(); }

std::shared_ptr<const StudyResult> StudyService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::string StudyService::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void StudyService::start(const ComputeRequest& request) {
  cancel();
  join();
  cancel_.store(false);
  done_.store(0);
  total_.store(request.noise.study_draws);
  running_.store(true);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.clear();
  }
  thread_ = std::thread([this, request] {
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
      progress.cancel = &cancel_;
      progress.on_progress = [this](int done, int) { done_.store(done); };
      attn::Vectors<double> vectors;
      vectors.queries = request.data->queries;
      if (request.data->keys) vectors.keys = *request.data->keys;
      auto result = std::make_shared<StudyResult>();
      result->noise = request.noise;
      result->score = request.attention.score;
      result->alpha = request.attention.alpha;
      result->study = attn::noise_study(vectors, make_attention_spec(request.attention, request.centre, {}), methods,
                                        config, progress);
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(result);
    } catch (const attn::Cancelled&) {
      status = "cancelled after " + std::to_string(done_.load()) + " of " + std::to_string(total_.load()) + " draws";
    } catch (const std::exception& e) {
      status = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      status_ = status;
    }
    running_.store(false);
  });
}

}  // namespace ax
