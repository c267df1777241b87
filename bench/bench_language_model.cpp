// bench_language_model: the tiny language models of assets/models/ through the engine.
//
//   lm_forward/float/N    a sentence of N tokens through every layer, in float as trained, every
//                         head's Q, K, V and W recorded (what the app's sentence view runs on
//                         each edit): the target is at most 5 ms at N = 64
//   lm_forward/double/N   the same in double (the precision of the torch peer test)
//   heldout/float/N       N held-out windows of 64 tokens scored (perplexity and accuracy), all cores
//
// bench/compare_tiny_lm_torch.py times this program against torch's forward of the same model in
// the same run and prints the ratios. Run: build/bin/bench_language_model
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "attn/lm/forward.hpp"
#include "attn/lm/heldout.hpp"

namespace {

std::string asset(const std::string& name) { return std::string(AX_SOURCE_DIR) + "/assets/models/" + name; }

const attn::LanguageModel& model() {
  static const attn::LanguageModel m = attn::read_language_model(asset("exp.npz"));
  return m;
}

const attn::HeldoutText& heldout() {
  static const attn::HeldoutText text = attn::read_heldout_text(asset("heldout.npz"));
  return text;
}

// The first N tokens of the held-out text: real words, as a user would type.
std::vector<int> sentence(attn::Index n) { return {heldout().ids.begin(), heldout().ids.begin() + n}; }

template <class T>
void lm_forward(benchmark::State& state) {
  const std::vector<int> ids = sentence(state.range(0));
  for (auto _ : state) {
    const attn::LmRun<T> run = attn::run_language_model<T>(model(), ids);
    benchmark::DoNotOptimize(run.logits.data());
  }
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(ids.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void heldout_windows(benchmark::State& state) {
  for (auto _ : state) {
    const attn::LmScore score = attn::evaluate_heldout(model(), heldout(), {}, {}, state.range(0));
    benchmark::DoNotOptimize(score.mean_loss);
  }
  state.counters["windows/s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RegisterBenchmark("lm_forward/float", lm_forward<float>)
      ->Arg(16)
      ->Arg(64)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(0.5);
  benchmark::RegisterBenchmark("lm_forward/double", lm_forward<double>)
      ->Arg(64)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(0.5);
  benchmark::RegisterBenchmark("heldout/float", heldout_windows)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
