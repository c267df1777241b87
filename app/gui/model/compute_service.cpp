#include "model/compute_service.hpp"

#include <algorithm>

#include "model/compute_job.hpp"

namespace ax {

ComputeService::ComputeService()
    : worker_([this](const ComputeRequest& request, std::uint64_t generation, const std::atomic<bool>& cancel) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          started_ = std::chrono::steady_clock::now();
          fraction_ = 0.0;
          stage_ = "starting";
        }
        ComputeCallbacks callbacks;
        callbacks.cancel = &cancel;
        callbacks.progress = [this](double fraction, const char* stage) {
          std::lock_guard<std::mutex> lock(mutex_);
          fraction_ = fraction;
          stage_ = stage;
        };
        // Whatever the job's outcome, a waiter for these results stops waiting when it ends.
        struct ResultsDone {
          ComputeService& service;
          std::uint64_t generation;
          void mark() {
            {
              std::lock_guard<std::mutex> lock(service.mutex_);
              service.results_done_generation_ = std::max(service.results_done_generation_, generation);
            }
            service.results_done_.notify_all();
          }
          ~ResultsDone() { mark(); }
        } done{*this, generation};
        callbacks.publish = [this, &done](std::shared_ptr<const ComputeResult> r) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            result_ = std::move(r);
            chart_.reset();
            fraction_ = 1.0;
            stage_ = "invariance chart";
          }
          done.mark();
        };
        callbacks.publish_chart = [this](std::shared_ptr<const InvarianceChart> c) {
          std::lock_guard<std::mutex> lock(mutex_);
          chart_ = std::move(c);
        };
        run_compute(request, generation, callbacks);
      }) {}

void ComputeService::wait_for_results() {
  const std::uint64_t generation = worker_.submitted();
  std::unique_lock<std::mutex> lock(mutex_);
  results_done_.wait(lock, [&] { return results_done_generation_ >= generation; });
}

std::shared_ptr<const ComputeResult> ComputeService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
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

std::shared_ptr<const InvarianceChart> ComputeService::chart() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chart_;
}

}  // namespace ax
