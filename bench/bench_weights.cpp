// bench_weights: the weight kernel, W = method(scores(Q, K)), on random data (d = 64).
//
//   softmax<float>/engine/N        attn::compute_weights, exp, scaled-dot: scores of a row tile,
//                                 exponentials and row sums while the tile is in cache, all cores
//   softmax<float>/unfused/N      the peer: one Eigen GEMM of the whole n x n score matrix, then a
//                                 separate softmax pass over it (same threads, same vectorised exp)
//   softmax<float>/engine_1thread/N   the engine on one thread (parallel speed-up)
//   softmax<double>/...           the same in float64
//   method:<spec>/1024            the other methods at one size (float)
//
// Every call allocates its result, as a caller's would; freeing it is not timed (neither is the
// peer's). The program ends with the ratios peer / engine measured in this run. Run:
//   build-bench/bin/bench_weights [--benchmark_filter=softmax]
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "attn/base/parallel.hpp"
#include "attn/kernels/attention.hpp"
#include "bench_common.hpp"

namespace {

using attn::Index;
using attn::Mat;

constexpr Index kDim = 64;

attn::AttentionSpec spec_for(const std::string& method) {
  attn::AttentionSpec spec;
  spec.score = attn::ScoreKind::ScaledDot;
  spec.method = attn::parse_method(method);
  return spec;
}

// The unfused peer: S = (a Q) K^T by one Eigen GEMM per block of rows (one block per thread, so
// the peer uses the same cores), the whole S written out; then softmax over each row of S.
template <class T>
Mat<T> unfused_softmax(const Mat<T>& q, const Mat<T>& k, T a) {
  const Index n = q.rows(), m = k.rows();
  const Index blocks = std::min<Index>(attn::thread_count(), n);
  auto block_rows = [&](Index b) { return std::pair<Index, Index>{n * b / blocks, n * (b + 1) / blocks}; };
  Mat<T> s(n, m);
  attn::parallel_for(blocks, [&](Index b) {
    const auto [begin, end] = block_rows(b);
    s.middleRows(begin, end - begin).noalias() = (q.middleRows(begin, end - begin) * a) * k.transpose();
  });
  attn::parallel_for(blocks, [&](Index b) {
    const auto [begin, end] = block_rows(b);
    for (Index i = begin; i < end; ++i) {
      auto row = s.row(i).array();
      const T top = row.maxCoeff();
      row = (row - top).exp();
      row *= T(1) / row.sum();
    }
  });
  return s;
}

template <class T>
double max_abs_diff(const Mat<T>& a, const Mat<T>& b) {
  return static_cast<double>((a - b).cwiseAbs().maxCoeff());
}

void set_counters(benchmark::State& state, Index n, Index m) {
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(n) * static_cast<double>(m),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

template <class T>
void engine(benchmark::State& state, std::string method, int threads) {
  const Index n = state.range(0);
  attn::set_thread_count(threads);
  const attn::Vectors<T> v = bench::random_vectors<T>(n, kDim);
  const attn::AttentionSpec spec = spec_for(method);
  for (auto _ : state) {
    attn::Weights<T> w = attn::compute_weights(v, spec);
    benchmark::DoNotOptimize(w.matrix.data());
    benchmark::ClobberMemory();
    state.PauseTiming();
    w = {};  // free outside the timed part
    state.ResumeTiming();
  }
  set_counters(state, n, n);
  attn::set_thread_count(0);
}

template <class T>
void unfused(benchmark::State& state) {
  const Index n = state.range(0);
  attn::set_thread_count(0);
  const attn::Vectors<T> v = bench::random_vectors<T>(n, kDim);
  const T a = T(1) / std::sqrt(static_cast<T>(kDim));
  {
    // Both sides must compute the same thing for the ratio to mean anything.
    const attn::Weights<T> w = attn::compute_weights(v, spec_for("exp"));
    const double diff = max_abs_diff<T>(unfused_softmax<T>(v.queries, *v.keys, a), w.matrix);
    if (!(diff < (sizeof(T) == 4 ? 1e-5 : 1e-12))) {
      state.SkipWithError(("peer and engine disagree: max |diff| = " + std::to_string(diff)).c_str());
      return;
    }
  }
  for (auto _ : state) {
    Mat<T> s = unfused_softmax<T>(v.queries, *v.keys, a);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
    state.PauseTiming();
    s = Mat<T>();
    state.ResumeTiming();
  }
  set_counters(state, n, n);
}

template <class T>
void register_softmax(const char* type, const std::vector<Index>& sizes, int repetitions) {
  const std::string group = std::string("softmax<") + type + ">/";
  auto* eng = benchmark::RegisterBenchmark((group + "engine").c_str(), engine<T>, std::string("exp"), 0);
  auto* peer = benchmark::RegisterBenchmark((group + "unfused").c_str(), unfused<T>);
  for (auto* b : {eng, peer}) {
    for (Index n : sizes) b->Arg(n);
    b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.1)->Repetitions(repetitions)->ReportAggregatesOnly(true);
  }
  // Parallel speed-up at one size.
  benchmark::RegisterBenchmark((group + "engine_1thread").c_str(), engine<T>, std::string("exp"), 1)
      ->Arg(sizes[sizes.size() / 2])
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(0.1);
}

void register_methods(Index n) {
  const std::vector<std::string> methods = {"exp",      "relu",       "softplus",         "sparsemax",
                                            "entmax15", "sinkhorn:3", "custom:max(z,0)^2"};
  for (const std::string& m : methods) {
    benchmark::RegisterBenchmark(("method:" + m).c_str(), engine<float>, m, 0)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(0.1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_softmax<float>("float", {256, 1024, 2048, 4096}, 5);
  register_softmax<double>("double", {256, 1024, 2048}, 3);
  register_methods(1024);
  bench::RatioReporter reporter("engine", {"unfused", "engine_1thread"});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
