// bench_experiments: the experiments the product runs, at small sizes (d = 64, double, as the
// CLI's experiment commands use).
//
//   invariance/engine/N    attn::invariance_sweep: 7 methods x 4 constant shifts
//   invariance/naive/N     the peer: the same (method, shift) pairs one after another, each a
//                          compute_weights of the shifted scores and a compare_weights
//   noise/engine/N         attn::noise_study: 32 draws of vector noise, 4 methods
//
// Ends with the ratios naive / engine measured in this run. Run:
//   build-bench/bin/bench_experiments
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "attn/base/parallel.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/experiments/metrics.hpp"
#include "bench_common.hpp"

namespace {

using attn::Index;
constexpr Index kDim = 64;

const std::vector<attn::Method>& sweep_methods() {
  static const std::vector<attn::Method> methods =
      attn::parse_method_list("exp,relu,softplus,sigmoid,sparsemax,entmax15,sinkhorn:3");
  return methods;
}
const std::vector<double> kShifts = {-10.0, -1.0, 1.0, 10.0};

void invariance_engine(benchmark::State& state) {
  const attn::Vectors<double> v = bench::random_vectors<double>(state.range(0), kDim);
  for (auto _ : state) {
    auto results =
        attn::invariance_sweep(v, attn::ScoreKind::ScaledDot, 1.0, attn::Mask::None, sweep_methods(), kShifts);
    benchmark::DoNotOptimize(results.data());
  }
}

void invariance_naive(benchmark::State& state) {
  const attn::Vectors<double> v = bench::random_vectors<double>(state.range(0), kDim);
  for (auto _ : state) {
    std::vector<attn::InvarianceResult> results;
    for (const attn::Method& method : sweep_methods()) {
      attn::AttentionSpec spec;
      spec.method = method;
      const attn::Weights<double> clean = attn::compute_weights(v, spec);
      for (double shift : kShifts) {
        attn::Perturbation p;
        p.shift = shift;
        results.push_back({method.spec(), shift, attn::compare_weights(clean, attn::compute_weights(v, spec, p))});
      }
    }
    benchmark::DoNotOptimize(results.data());
  }
}

void noise_engine(benchmark::State& state) {
  const attn::Vectors<double> v = bench::random_vectors<double>(state.range(0), kDim);
  const std::vector<attn::Method> methods = attn::parse_method_list("exp,relu,sparsemax,sinkhorn:3");
  attn::NoiseStudyConfig config;
  config.global_rms = 0.1;
  config.local_rms = 0.1;
  config.draws = 32;
  config.seed = 7;
  for (auto _ : state) {
    auto result = attn::noise_study(v, attn::ScoreKind::ScaledDot, 1.0, attn::Mask::None, methods, config);
    benchmark::DoNotOptimize(result.rows.data());
  }
  state.counters["draws/s"] = benchmark::Counter(config.draws, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (auto* b : {benchmark::RegisterBenchmark("invariance/engine", invariance_engine),
                  benchmark::RegisterBenchmark("invariance/naive", invariance_naive)}) {
    b->Arg(64)
        ->Arg(256)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(0.2)
        ->Repetitions(3)
        ->ReportAggregatesOnly(true);
  }
  benchmark::RegisterBenchmark("noise/engine", noise_engine)
      ->Arg(64)
      ->Arg(256)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(0.2);
  bench::RatioReporter reporter("engine", {"naive"});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
