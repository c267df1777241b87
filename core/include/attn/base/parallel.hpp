// Data-parallel loops over independent tasks.
//
// Results never depend on the thread count because callers split work into tasks whose
// boundaries do not depend on it (fixed tile sizes, one task per draw) and each task writes only
// its own output. A parallel_for called from inside a task runs serially, so nested engine calls
// (an experiment calling the weight kernel) do not oversubscribe the cores.
#pragma once

#include <functional>

#include "attn/base/types.hpp"

namespace attn {

// Number of threads parallel loops use (default: the hardware's, at least 1).
int thread_count();
// The most threads parallel loops use: 4 per hardware thread (at least 16). More only costs
// memory and start-up time, and under a process limit it makes thread creation fail.
int max_thread_count();
// 0 restores the default; requests above max_thread_count() are capped (callers tell the user).
void set_thread_count(int threads);

// Calls task(i) for i in [0, tasks), on up to thread_count() threads. The first exception thrown
// by a task is rethrown here after all threads have stopped; tasks not yet started are skipped.
void parallel_for(Index tasks, const std::function<void(Index)>& task);

// The same, on the calling thread alone when the whole loop is small: tasks x work_per_task (in
// element operations) below kMinParallelWork. Starting and joining threads costs tens of
// microseconds, more than such a loop; an iterative method calling a loop per round (Sinkhorn's
// 10000 rounds on a 4 x 4 matrix) would otherwise spend seconds starting threads.
constexpr Index kMinParallelWork = Index(1) << 15;
void parallel_for(Index tasks, Index work_per_task, const std::function<void(Index)>& task);

}  // namespace attn
