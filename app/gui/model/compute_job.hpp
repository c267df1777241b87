// One run of the engine for a ComputeRequest (runs on the compute thread).
#pragma once

#include <atomic>
#include <functional>

#include "model/compute_request.hpp"
#include "model/compute_result.hpp"

namespace ax {

struct ComputeCallbacks {
  // Set when a newer request supersedes this one: the job stops at its next checkpoint by
  // throwing attn::Cancelled. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // Receive the main results as soon as they exist, then the slower invariance chart.
  std::function<void(std::shared_ptr<const ComputeResult>)> publish;
  std::function<void(std::shared_ptr<const InvarianceChart>)> publish_chart;
  // How far the main results are, in [0, 1], with what is being done. May be null.
  std::function<void(double fraction, const char* stage)> progress;
};

// Computes every result: weights first, then the invariance chart.
void run_compute(const ComputeRequest& request, std::uint64_t generation, const ComputeCallbacks& callbacks);

// Largest number of queries used for the invariance chart (it recomputes every method at every
// shift); larger inputs use their first queries and the chart says so.
constexpr attn::Index kChartMaxQueries = 256;
constexpr int kChartShifts = 13;

}  // namespace ax
