// Long engine calls that Ctrl-C (a notebook's "interrupt") stops. The engine runs on a worker
// thread while the Python thread waits without the GIL and looks at Python's signals every 50 ms;
// on KeyboardInterrupt the engine is cancelled through its ProgressReporter (it stops at its next
// group of rows or task), the worker is joined, and the Python error is raised. Without this a
// streamed overview of 131072 tokens (about a minute on 2 cores) could only be waited out.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>

#include "attn/base/progress.hpp"

namespace axpy {

// Waits until `ready_soon` (which waits a moment itself) says the work is done. When a Python
// signal handler raises (KeyboardInterrupt), sets `cancel`, waits for the work to stop and throws
// pybind11::error_already_set. Call with the GIL held, from the thread that holds it.
void wait_interruptibly(const std::function<bool()>& ready_soon, std::atomic<bool>& cancel);

// `work(progress)`'s result, computed on a worker thread; `progress.cancel` is set on Ctrl-C.
template <class Work>
auto interruptible(Work&& work) {
  std::atomic<bool> cancel{false};
  attn::ProgressReporter progress;
  progress.cancel = &cancel;
  auto result = std::async(std::launch::async, [&] { return work(progress); });
  wait_interruptibly([&] { return result.wait_for(std::chrono::milliseconds(50)) == std::future_status::ready; },
                     cancel);
  return result.get();
}

}  // namespace axpy
