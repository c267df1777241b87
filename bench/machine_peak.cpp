// machine_peak: the roofline the benchmarks are read against, measured on this machine.
//
//   fma_gflops             fused multiply-adds on registers only (12 independent chains of
//                          Eigen's widest packet per thread, the shape of the engine's product
//                          kernel), on every thread at once: the most any product can reach
//   stream_write_gb_per_s  streaming (non-temporal) stores into a buffer already mapped, as the
//                          engine writes a reused result: the most any result can be written at
//   first_touch_gb_per_s   memset of a freshly mapped buffer (page faults and the kernel's
//                          clearing included), every thread its own part: what touching a fresh
//                          result costs at the least
//
// Each is the best of --rounds rounds (default 5) on --threads threads (default: all cores);
// best, not median, because a peak is what the machine can do. Each is printed twice: per CPU
// time (the sum over threads of each thread's work over the CPU time it ran: what the cores do,
// whatever else the machine runs) and, with _wall, over the wall time (lower when other work
// takes the cores). Run:
//   build/bin/machine_peak [--threads N] [--rounds R]
// The printed lines are "name: value"; bench/compare_torch.py and compare_overview_torch.py run
// this program and print each benchmark's rates beside these.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>
#include <sys/mman.h>
#include <time.h>

#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include "attn/base/parallel.hpp"

namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<float>::type;
constexpr int kLanes = ei::packet_traits<float>::size;
constexpr int kChains = 12;  // enough independent chains to cover the FMA latency on two ports

// CPU time of the calling thread: on a machine shared with other work a thread may wait for a
// core, and its CPU time counts only the time it ran.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// A rate measured two ways: `wall`, work over the wall time of all threads together; `cpu`, the
// sum over threads of each thread's work over its own CPU time (what the cores do while they run
// this, whatever else the machine runs: the peak to read the benchmarks against).
struct Rate {
  double wall = 0.0, cpu = 0.0;
};

// Runs body(thread) on `threads` threads at once; `work` is what each thread does (flops, bytes).
template <class Body>
Rate run_on_threads(int threads, double work, Body body) {
  std::vector<double> cpu(static_cast<std::size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  attn::parallel_for(threads, [&](attn::Index t) {
    const double begin = thread_seconds();
    body(static_cast<int>(t));
    cpu[static_cast<std::size_t>(t)] = thread_seconds() - begin;
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Rate rate;
  rate.wall = work * threads / wall;
  for (double s : cpu) rate.cpu += work / s;
  return rate;
}

// kChains accumulators, each a chain of a = a * x + y, for `iterations` rounds; returns a value
// that depends on all of them so the compiler keeps the work.
float fma_chains(long iterations, float seed) {
  Packet acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = ei::pset1<Packet>(seed + static_cast<float>(c));
  const Packet x = ei::pset1<Packet>(0.999999f), y = ei::pset1<Packet>(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = ei::pmadd(acc[c], x, y);
  }
  Packet sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum = ei::padd(sum, acc[c]);
  return ei::predux(sum);
}

Rate fma_gflops(int threads) {
  constexpr long kIterations = 20'000'000;
  std::vector<float> sink(static_cast<std::size_t>(threads));
  const Rate r = run_on_threads(threads, 2e-9 * kLanes * kChains * static_cast<double>(kIterations), [&](int t) {
    sink[static_cast<std::size_t>(t)] = fma_chains(kIterations, static_cast<float>(t));
  });
  if (sink[0] == 12345.0f) std::printf("#");  // keeps the result alive
  return r;
}

void stream_fill(float* dst, std::size_t count) {
  std::size_t done = 0;
#if defined(__AVX512F__)
  done = count / 16 * 16;
  for (std::size_t k = 0; k < done; k += 16) _mm512_stream_ps(dst + k, _mm512_set1_ps(1.0f));
#elif defined(__AVX__)
  done = count / 8 * 8;
  for (std::size_t k = 0; k < done; k += 8) _mm256_stream_ps(dst + k, _mm256_set1_ps(1.0f));
#elif defined(__SSE2__)
  done = count / 4 * 4;
  for (std::size_t k = 0; k < done; k += 4) _mm_stream_ps(dst + k, _mm_set1_ps(1.0f));
#endif
  std::fill(dst + done, dst + count, 1.0f);
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// A private anonymous mapping (page aligned, so every thread's part starts on a vector boundary).
float* map_floats(std::size_t count) {
  void* p = mmap(nullptr, count * sizeof(float), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<float*>(p);
}

constexpr std::size_t kBufferFloats = std::size_t(64) << 20;  // 256 MiB: far beyond the caches

Rate stream_write_gb_per_s(int threads, float* buffer) {
  const std::size_t part = kBufferFloats / static_cast<std::size_t>(threads) / 16 * 16;
  return run_on_threads(threads, 1e-9 * static_cast<double>(part * sizeof(float)),
                        [&](int t) { stream_fill(buffer + part * static_cast<std::size_t>(t), part); });
}

Rate first_touch_gb_per_s(int threads) {
  float* fresh = map_floats(kBufferFloats);
  if (!fresh) return {};
#if defined(MADV_HUGEPAGE)
  (void)madvise(fresh, kBufferFloats * sizeof(float), MADV_HUGEPAGE);  // as the engine's results are
#endif
  const std::size_t part = kBufferFloats / static_cast<std::size_t>(threads);
  const Rate r = run_on_threads(threads, 1e-9 * static_cast<double>(part * sizeof(float)), [&](int t) {
    std::memset(fresh + part * static_cast<std::size_t>(t), 0x3f, part * sizeof(float));
  });
  munmap(fresh, kBufferFloats * sizeof(float));
  return r;
}

Rate best(Rate a, Rate b) { return {std::max(a.wall, b.wall), std::max(a.cpu, b.cpu)}; }

int option(int argc, char** argv, const std::string& name, int fallback) {
  for (int k = 1; k + 1 < argc; ++k) {
    if (argv[k] == name) return std::max(1, std::atoi(argv[k + 1]));
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads =
      option(argc, argv, "--threads", static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const int rounds = option(argc, argv, "--rounds", 5);
  attn::set_thread_count(threads);
  float* buffer = map_floats(kBufferFloats);
  if (!buffer) {
    std::fprintf(stderr, "machine_peak: cannot map %zu MiB\n", kBufferFloats * sizeof(float) >> 20);
    return 1;
  }
  stream_fill(buffer, kBufferFloats);  // mapped before any timing
  Rate fma, write, touch;
  for (int r = 0; r < rounds; ++r) {
    fma = best(fma, fma_gflops(threads));
    write = best(write, stream_write_gb_per_s(threads, buffer));
    touch = best(touch, first_touch_gb_per_s(threads));
  }
  munmap(buffer, kBufferFloats * sizeof(float));
  std::printf("threads: %d\nlanes: %d\n", threads, kLanes);
  std::printf("fma_gflops: %.1f\nfma_gflops_wall: %.1f\n", fma.cpu, fma.wall);
  std::printf("stream_write_gb_per_s: %.2f\nstream_write_gb_per_s_wall: %.2f\n", write.cpu, write.wall);
  std::printf("first_touch_gb_per_s: %.2f\nfirst_touch_gb_per_s_wall: %.2f\n", touch.cpu, touch.wall);
  return 0;
}
