#include "model/compute_service.hpp"

#include "attn/errors.hpp"
#include "model/compute_job.hpp"

namespace ax {

ComputeService::ComputeService() : thread_([this] { worker_loop(); }) {}

ComputeService::~ComputeService() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ComputeService::submit(ComputeRequest request) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = std::move(request);
    submitted_.fetch_add(1);
  }
  wake_.notify_all();
}

std::shared_ptr<const ComputeResult> ComputeService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::shared_ptr<const InvarianceChart> ComputeService::chart() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chart_;
}

std::string ComputeService::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

bool ComputeService::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_ || pending_.has_value();
}

void ComputeService::wait_until_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return !running_ && !pending_.has_value(); });
}

void ComputeService::worker_loop() {
  for (;;) {
    ComputeRequest request;
    std::uint64_t generation = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || pending_.has_value(); });
      if (stop_) return;
      request = std::move(*pending_);
      pending_.reset();
      generation = submitted_.load();
      running_ = true;
    }
    ComputeCallbacks callbacks;
    callbacks.cancelled = [this, generation] {
      std::lock_guard<std::mutex> lock(mutex_);
      return stop_ || submitted_.load() != generation;
    };
    callbacks.publish = [this](std::shared_ptr<const ComputeResult> r) {
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(r);
      chart_.reset();
      error_.clear();
    };
    callbacks.publish_chart = [this](std::shared_ptr<const InvarianceChart> c) {
      std::lock_guard<std::mutex> lock(mutex_);
      chart_ = std::move(c);
    };
    std::string failure;
    try {
      run_compute(request, generation, callbacks);
    } catch (const attn::Cancelled&) {
      // superseded by a newer request: nothing to report
    } catch (const std::exception& e) {
      failure = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure.empty() && submitted_.load() == generation) error_ = failure;
      running_ = false;
    }
    idle_.notify_all();
  }
}

}  // namespace ax
