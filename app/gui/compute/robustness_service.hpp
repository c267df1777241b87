// The robustness chart's numbers: held-out perplexity and accuracy of every chosen language model
// against M and against s_g, as a background job with progress and cancellation.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "attn/lm/robustness.hpp"
#include "compute/latest_only_worker.hpp"
#include "state/app_state.hpp"

namespace ax {

struct RobustnessChart {
  RobustnessSettings settings;  // what it was computed for
  attn::RobustnessResult result;
  double seconds = 0.0;
};

class RobustnessService {
 public:
  RobustnessService();

  // Starts the sweep of `settings` (models by name or path; the held-out text of assets/models/);
  // a sweep that is running stops at its next window.
  void start(const RobustnessSettings& settings);
  void cancel();
  bool running() const { return worker_.busy(); }
  // (done, total) held-out windows of the running or last sweep.
  std::pair<int, int> progress() const { return {done_.load(), total_.load()}; }
  std::shared_ptr<const RobustnessChart> result() const;
  std::string status() const;  // "cancelled after 1200 of 9000 windows", an error, or empty
  void wait() { worker_.wait_until_idle(); }

 private:
  void run(const RobustnessSettings& settings, const std::atomic<bool>& cancel);

  std::atomic<int> done_{0}, total_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const RobustnessChart> result_;
  std::string status_;
  LatestOnlyWorker<RobustnessSettings> worker_;  // last: its thread uses the members above
};

// The levels a sweep of `settings` runs.
attn::RobustnessLevels robustness_levels(const RobustnessSettings& settings);

}  // namespace ax
