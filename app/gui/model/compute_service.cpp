#include "model/compute_service.hpp"

#include "model/compute_job.hpp"

namespace ax {

ComputeService::ComputeService()
    : worker_([this](const ComputeRequest& request, std::uint64_t generation, const std::atomic<bool>& cancel) {
        ComputeCallbacks callbacks;
        callbacks.cancel = &cancel;
        callbacks.publish = [this](std::shared_ptr<const ComputeResult> r) {
          std::lock_guard<std::mutex> lock(mutex_);
          result_ = std::move(r);
          chart_.reset();
        };
        callbacks.publish_chart = [this](std::shared_ptr<const InvarianceChart> c) {
          std::lock_guard<std::mutex> lock(mutex_);
          chart_ = std::move(c);
        };
        run_compute(request, generation, callbacks);
      }) {}

std::shared_ptr<const ComputeResult> ComputeService::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::shared_ptr<const InvarianceChart> ComputeService::chart() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chart_;
}

}  // namespace ax
