#include "attn/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace attn {
namespace {

std::atomic<int> g_requested_threads{0};
thread_local bool t_inside_parallel_region = false;

int default_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Marks the current thread as running tasks for the lifetime of the guard.
class RegionGuard {
 public:
  RegionGuard() : previous_(t_inside_parallel_region) { t_inside_parallel_region = true; }
  ~RegionGuard() { t_inside_parallel_region = previous_; }
  RegionGuard(const RegionGuard&) = delete;
  RegionGuard& operator=(const RegionGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace

int thread_count() {
  const int requested = g_requested_threads.load();
  return requested > 0 ? requested : default_threads();
}

int max_thread_count() { return std::max(16, 4 * default_threads()); }

void set_thread_count(int threads) { g_requested_threads.store(std::clamp(threads, 0, max_thread_count())); }

void parallel_for(Index tasks, const std::function<void(Index)>& task) {
  if (tasks <= 0) return;
  const Index workers = std::min<Index>(thread_count(), tasks);
  if (workers <= 1 || t_inside_parallel_region) {
    RegionGuard guard;
    for (Index i = 0; i < tasks; ++i) task(i);
    return;
  }

  std::atomic<Index> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto worker = [&] {
    RegionGuard guard;
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const Index i = next.fetch_add(1);
      if (i >= tasks) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed.store(true);
      }
    }
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers - 1));
  for (Index t = 1; t < workers; ++t) {
    // Under a process or memory limit a thread may not start: the tasks are shared through
    // `next`, so the threads that did start (and this one) simply do all of them.
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& th : threads) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

void parallel_for(Index tasks, Index work_per_task, const std::function<void(Index)>& task) {
  if (tasks > 0 && work_per_task < kMinParallelWork / tasks) {
    RegionGuard guard;
    for (Index i = 0; i < tasks; ++i) task(i);
    return;
  }
  parallel_for(tasks, task);
}

}  // namespace attn
