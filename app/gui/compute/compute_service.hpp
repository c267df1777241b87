// Runs the engine off the UI thread, on two workers of one kind: the results (clean and perturbed
// stages) and the invariance chart. Each submit supersedes the previous request of its worker:
// a running job stops at its next checkpoint, so dragging a slider never queues stale work and
// the UI thread never waits for the engine.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "compute/compute_job.hpp"
#include "compute/compute_request.hpp"
#include "compute/compute_result.hpp"
#include "compute/latest_only_worker.hpp"

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

  // Results and chart of `request`.
  void submit(const ComputeRequest& request) {
    submit_results(request);
    submit_chart(request);
  }
  // Only the results (the chart does not depend on the noise settings).
  void submit_results(ComputeRequest request) { worker_.submit(std::move(request)); }
  void submit_chart(ComputeRequest request) { chart_worker_.submit(std::move(request)); }

  // Newest published results (may be older than the last submit while a job runs).
  std::shared_ptr<const ComputeResult> result() const;
  // Newest published chart: it stays while a newer one is computed (match its clean_generation
  // with the results'); null before the first.
  std::shared_ptr<const InvarianceChart> chart() const;
  // The engine's message when the newest request failed (e.g. a matrix too large), else empty.
  std::string error() const;
  bool busy() const { return worker_.busy() || chart_worker_.busy(); }
  bool chart_busy() const { return chart_worker_.busy(); }
  ComputeProgress progress() const;
  // Generation of the newest results request (results carry the generation they were made for).
  std::uint64_t submitted_generation() const { return worker_.submitted(); }
  const StageCounts& stage_counts() const { return stages_.counts(); }

  // Blocks until the results of the newest request are published or it failed (benchmarks).
  void wait_for_results();
  // Blocks until both workers are idle (automation and tests only).
  void wait_until_idle() {
    worker_.wait_until_idle();
    chart_worker_.wait_until_idle();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::shared_ptr<const ComputeResult> result_;
  std::shared_ptr<const InvarianceChart> chart_;
  std::uint64_t finished_generation_ = 0;  // newest results job that ended, whatever its outcome
  double fraction_ = 0.0;
  std::string stage_;
  std::chrono::steady_clock::time_point started_{};
  ComputeStages stages_;  // used by the results worker's thread only
  // Last: their threads use the members above.
  LatestOnlyWorker<ComputeRequest> chart_worker_;
  LatestOnlyWorker<ComputeRequest> worker_;
};

}  // namespace ax
