// Runs the engine off the UI thread. Each submit() supersedes the previous request: a running
// job stops at its next checkpoint, so dragging a slider never queues stale work and the UI
// thread never waits for the engine.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "model/compute_request.hpp"
#include "model/compute_result.hpp"

namespace ax {

class ComputeService {
 public:
  ComputeService();
  ~ComputeService();
  ComputeService(const ComputeService&) = delete;
  ComputeService& operator=(const ComputeService&) = delete;

  void submit(ComputeRequest request);

  // Newest published results (may be older than the last submit while a job runs).
  std::shared_ptr<const ComputeResult> result() const;
  // Chart of the newest results; null while it is being computed.
  std::shared_ptr<const InvarianceChart> chart() const;
  // The engine's message when the newest request failed (e.g. a matrix too large), else empty.
  std::string error() const;
  bool busy() const;
  std::uint64_t submitted_generation() const { return submitted_.load(); }

  // Blocks until the newest request has been fully computed (automation and tests only).
  void wait_until_idle();

 private:
  void worker_loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::optional<ComputeRequest> pending_;
  std::atomic<std::uint64_t> submitted_{0};
  bool running_ = false;
  bool stop_ = false;
  std::shared_ptr<const ComputeResult> result_;
  std::shared_ptr<const InvarianceChart> chart_;
  std::string error_;
  std::thread thread_;
};

}  // namespace ax
