// The Monte Carlo noise study as a background job with progress and cancellation.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "attn/experiments.hpp"
#include "model/compute_request.hpp"

namespace ax {

struct StudyResult {
  attn::NoiseStudyResult study;
  NoiseSettings noise;  // the settings it was run with
  std::string score;
  double alpha = 1.0;
};

class StudyService {
 public:
  StudyService() = default;
  ~StudyService();
  StudyService(const StudyService&) = delete;
  StudyService& operator=(const StudyService&) = delete;

  // Starts a study of `request.noise.study_draws` draws of the request's vector noise; cancels
  // one that is running.
  void start(const ComputeRequest& request);
  void cancel();
  bool running() const { return running_.load(); }
  // (done, total) draws of the running or last study.
  std::pair<int, int> progress() const { return {done_.load(), total_.load()}; }
  std::shared_ptr<const StudyResult> result() const;
  std::string status() const;  // "cancelled after 37 of 200 draws", an error, or empty

  void wait();  // tests and automation

 private:
  void join();

  std::thread thread_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> running_{false};
  std::atomic<int> done_{0}, total_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const StudyResult> result_;
  std::string status_;
};

}  // namespace ax
