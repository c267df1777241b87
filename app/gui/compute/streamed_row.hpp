// The row inspector at streaming size: one query's scores and weights, clean and perturbed,
// computed from the vectors (attn::compute_query_row) without the n x m matrix the streaming
// path never holds. Off the UI thread: at 131072 keys the vectors' noise and the packed keys of
// one row take about a tenth of a second.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "compute/compute_result.hpp"
#include "compute/latest_only_worker.hpp"
#include "compute/row_inspection.hpp"

namespace ax {

// Row `row` of method `method` of a streaming result (throws attn::UsageError for a method that
// needs every row, such as Sinkhorn).
RowInspection inspect_streamed_row(const ComputeResult& result, std::size_t method, int row);

class StreamedRowService {
 public:
  StreamedRowService();
  // Asks for a row of a streaming result; asking for the same row again is free.
  void request(const std::shared_ptr<const ComputeResult>& result, std::size_t method, int row);
  // The finished row of exactly this ask, or null while it computes (or when it failed: error()).
  std::shared_ptr<const RowInspection> get(std::uint64_t generation, std::size_t method, int row) const;
  std::string error() const { return worker_.error(); }
  bool busy() const { return worker_.busy(); }
  void wait_until_idle() { worker_.wait_until_idle(); }

 private:
  struct Ask {
    std::shared_ptr<const ComputeResult> result;
    std::size_t method = 0;
    int row = 0;
  };
  struct Done {
    std::uint64_t generation = 0;
    std::size_t method = 0;
    int row = -1;
    std::shared_ptr<const RowInspection> inspection;
  };
  mutable std::mutex mutex_;
  Done done_;
  // Last ask (UI thread only).
  std::uint64_t asked_generation_ = 0;
  std::size_t asked_method_ = 0;
  int asked_row_ = -1;
  LatestOnlyWorker<Ask> worker_;  // last: its thread uses the members above
};

}  // namespace ax
