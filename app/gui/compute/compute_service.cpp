#include "compute/compute_service.hpp"

#include <algorithm>

namespace ax {

ComputeService::ComputeService()
    : chart_worker_([this](const ComputeRequest& request, std::uint64_t, const std::atomic<bool>& cancel) {
        auto chart = compute_invariance_chart(request, &cancel);
        {
          std::lock_guard<std::mutex> lock(mutex_);
          chart_ = std::move(chart);
        }
        stages_.count_chart();  // atomic: safe from this thread
      }),
      worker_([this](const ComputeRequest& request, std::uint64_t generation, const std::atomic<bool>& cancel) {
        // Whatever the outcome, a waiter for this generation may stop waiting.
        struct Finished {
          ComputeService& service;
          std::uint64_t generation;
          ~Finished() {
            {
              std::lock_guard<std::mutex> lock(service.mutex_);
              service.finished_generation_ = std::max(service.finished_generation_, generation);
            }
            service.finished_.notify_all();
          }
        } finished{*this, generation};
        {
          std::lock_guard<std::mutex> lock(mutex_);
          started_ = std::chrono::steady_clock::now();
          fraction_ = 0.0;
          stage_ = "starting";
        }
        auto result = stages_.run(request, generation, &cancel, [this](double fraction, const char* stage) {
          std::lock_guard<std::mutex> lock(mutex_);
          fraction_ = fraction;
          stage_ = stage;
        });
        std::lock_guard<std::mutex> lock(mutex_);
        result_ = std::move(result);
        fraction_ = 1.0;
      }) {}

std::shared_ptr<const ComputeResult> ComputeService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::shared_ptr<const InvarianceChart> ComputeService::chart() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chart_;
}

ComputeProgress ComputeService::progress() const {
  ComputeProgress p;
  p.running = worker_.busy();
  std::lock_guard<std::mutex> lock(mutex_);
  p.fraction = fraction_;
  p.stage = stage_;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return p;
}

std::string ComputeService::error() const {
  std::string error = worker_.error();
  return error.empty() ? chart_worker_.error() : error;
}

void ComputeService::wait_for_results() {
  const std::uint64_t generation = worker_.submitted();
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [&] { return finished_generation_ >= generation; });
}

}  // namespace ax
