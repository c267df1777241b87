// Runs the engine off the UI thread. Each submit() supersedes the previous request: a running
// job stops at its next checkpoint, so dragging a slider never queues stale work and the UI
// thread never waits for the engine.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "model/compute_request.hpp"
#include "model/compute_result.hpp"
#include "model/latest_only_worker.hpp"

namespace ax {

// What the running job has done so far, for a progress figure.
struct ComputeProgress {
  bool running = false;
  double fraction = 0.0;  // of the main results, [0, 1]
  double seconds = 0.0;   // since the job started
  std::string stage;
};

class ComputeService {
 public:
  ComputeService();

  void submit(ComputeRequest request) { worker_.submit(std::move(request)); }

  // Newest published results (may be older than the last submit while a job runs).
  std::shared_ptr<const ComputeResult> result() const;
  // Chart of the newest results; null while it is being computed.
  std::shared_ptr<const InvarianceChart> chart() const;
  // The engine's message when the newest request failed (e.g. a matrix too large), else empty.
  std::string error() const { return worker_.error(); }
  bool busy() const { return worker_.busy(); }
  ComputeProgress progress() const;
  std::uint64_t submitted_generation() const { return worker_.submitted(); }

  // Blocks until the newest request has been fully computed (automation and tests only).
  void wait_until_idle() { worker_.wait_until_idle(); }
  // Blocks until the results (not the chart) of the newest request are published, or its job
  // ended without them (benchmarks: the time from an edit to what the heatmaps show).
  void wait_for_results();

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ComputeResult> result_;
  std::shared_ptr<const InvarianceChart> chart_;
  double fraction_ = 0.0;
  std::string stage_;
  std::chrono::steady_clock::time_point started_{};
  std::condition_variable results_done_;
  std::uint64_t results_done_generation_ = 0;  // newest request whose results are out (or failed)
  LatestOnlyWorker<ComputeRequest> worker_;  // last: its thread uses the members above
};

}  // namespace ax
