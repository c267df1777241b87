// The Monte Carlo noise study as a background job with progress and cancellation.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "attn/experiments/experiments.hpp"
#include "compute/compute_request.hpp"
#include "compute/latest_only_worker.hpp"

namespace ax {

struct StudyResult {
  attn::NoiseStudyResult study;
  NoiseSettings noise;  // the settings it was run with
  std::string score;
  double alpha = 1.0;
};

class StudyService {
 public:
  StudyService();

  // Starts a study of `request.noise.study_draws` draws of the request's vector noise; a study
  // that is running stops at its next draw.
  void start(const ComputeRequest& request);
  void cancel();
  bool running() const { return worker_.busy(); }
  // (done, total) draws of the running or last study.
  std::pair<int, int> progress() const { return {done_.load(), total_.load()}; }
  std::shared_ptr<const StudyResult> result() const;
  std::string status() const;  // "cancelled after 37 of 200 draws", an error, or empty

  void wait() { worker_.wait_until_idle(); }  // tests and automation

 private:
  void run(const ComputeRequest& request, const std::atomic<bool>& cancel);
  std::string cancelled_text() const;

  std::atomic<int> done_{0}, total_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const StudyResult> result_;
  std::string status_;
  LatestOnlyWorker<ComputeRequest> worker_;  // last: its thread uses the members above
};

}  // namespace ax
