#include "compute/robustness_service.hpp"

#include <chrono>

#include "attn/base/errors.hpp"
#include "compute/language_models.hpp"

namespace ax {

attn::RobustnessLevels robustness_levels(const RobustnessSettings& settings) {
  attn::RobustnessLevels levels;
  levels.shifts = settings.shifts;
  levels.global_rms = settings.global_rms;
  levels.seed = 1;
  levels.seeds = settings.seeds;
  levels.windows = settings.windows;
  return levels;
}

RobustnessService::RobustnessService()
    : worker_([this](const RobustnessSettings& settings, std::uint64_t, const std::atomic<bool>& cancel) {
        run(settings, cancel);
      }) {}

void RobustnessService::start(const RobustnessSettings& settings) {
  done_.store(0);
  total_.store(0);
  worker_.submit(settings);
}

void RobustnessService::cancel() {
  const bool was_running = worker_.busy();
  worker_.cancel();
  if (!was_running) return;
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = "cancelled after " + std::to_string(done_.load()) + " of " + std::to_string(total_.load()) + " windows";
}

std::shared_ptr<const RobustnessChart> RobustnessService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::string RobustnessService::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void RobustnessService::run(const RobustnessSettings& settings, const std::atomic<bool>& cancel) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.clear();
  }
  const auto start = std::chrono::steady_clock::now();
  std::string status;
  try {
    LanguageModelCache& cache = language_model_cache();
    std::vector<std::shared_ptr<const attn::LanguageModel>> models;
    std::vector<const attn::LanguageModel*> pointers;
    for (const std::string& name : settings.models) {
      models.push_back(cache.model(language_model_path(name)));
      pointers.push_back(models.back().get());
    }
    const auto text = cache.heldout(heldout_text_path());
    attn::ProgressReporter progress;
    progress.cancel = &cancel;
    progress.on_progress = [this](int done, int total) {
      done_.store(done);
      total_.store(total);
    };
    auto chart = std::make_shared<RobustnessChart>();
    chart->settings = settings;
    chart->result = attn::robustness_sweep(pointers, *text, robustness_levels(settings), progress);
    chart->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(chart);
  } catch (const attn::Cancelled&) {
    status = "cancelled after " + std::to_string(done_.load()) + " of " + std::to_string(total_.load()) + " windows";
  } catch (const std::exception& e) {
    status = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = status;
}

}  // namespace ax
