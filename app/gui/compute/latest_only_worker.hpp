// The app's one kind of background thread (compute, study, lesson claims): it runs a job on the
// newest request only. submit() supersedes whatever is queued and raises the cancel flag of the
// running job, which stops at its next checkpoint; the UI thread never waits for it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "attn/base/errors.hpp"

namespace ax {

template <class Request>
class LatestOnlyWorker {
 public:
  // `job(request, generation, cancel)` runs on the worker thread; `generation` numbers requests
  // 1, 2, ... in submission order. It may throw attn::Cancelled when `cancel` is raised. Any other
  // exception's message becomes error().
  using Job = std::function<void(const Request&, std::uint64_t generation, const std::atomic<bool>& cancel)>;

  explicit LatestOnlyWorker(Job job) : job_(std::move(job)), thread_([this] { loop(); }) {}

  ~LatestOnlyWorker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      cancel_.store(true);
    }
    wake_.notify_all();
    thread_.join();
  }

  LatestOnlyWorker(const LatestOnlyWorker&) = delete;
  LatestOnlyWorker& operator=(const LatestOnlyWorker&) = delete;

  void submit(Request request) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = std::move(request);
      ++submitted_;
      cancel_.store(true);
    }
    wake_.notify_all();
  }

  // Drops the queued request and stops the running job at its next checkpoint.
  void cancel() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.reset();
      cancel_.store(true);
    }
    idle_.notify_all();
  }

  bool busy() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_ || pending_.has_value();
  }

  std::uint64_t submitted() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return submitted_;
  }

  // The failure message of the newest request's job, or empty.
  std::string error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

  void wait_until_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return !running_ && !pending_.has_value(); });
  }

 private:
  void loop() {
    for (;;) {
      Request request;
      std::uint64_t generation = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stop_ || pending_.has_value(); });
        if (stop_) return;
        request = std::move(*pending_);
        pending_.reset();
        generation = submitted_;
        running_ = true;
        cancel_.store(false);  // under the lock: a submit from now on cancels this job
      }
      std::string failure;
      try {
        job_(request, generation, cancel_);
      } catch (const attn::Cancelled&) {
        // superseded by a newer request: nothing to report
      } catch (const std::exception& e) {
        failure = e.what();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (submitted_ == generation) error_ = failure;
        running_ = false;
      }
      idle_.notify_all();
    }
  }

  Job job_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::optional<Request> pending_;
  std::uint64_t submitted_ = 0;
  std::atomic<bool> cancel_{false};
  bool running_ = false;
  bool stop_ = false;
  std::string error_;
  std::thread thread_;  // last: starts after every other member exists
};

}  // namespace ax
