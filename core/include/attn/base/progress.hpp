// Progress and cancellation of a long computation (experiments, streamed overviews).
#pragma once

#include <atomic>
#include <functional>

namespace attn {

struct ProgressReporter {
  // Called after each completed unit (a draw; a method and shift; a group of rows) with
  // (done, total), from any thread, never concurrently.
  std::function<void(int, int)> on_progress;
  // When set to true, the computation stops at the next unit and throws attn::Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace attn
