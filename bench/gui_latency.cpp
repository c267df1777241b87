// gui_latency: how long an edit of the shift M takes to reach finished perturbed results, driven
// through the app's controller with no window, as a drag of the M slider reaches it: set M, sync,
// wait until the results of that edit are published.
//
//   gui_latency [--n 2048] [--d 64] [--edits 50]
//
// Methods exp, relu, softplus, sigmoid on generated gaussian data, float32 (the app's defaults).
// The peer, measured in the same run on the same data: the engine alone computing the perturbed
// weights of the four methods (attn::compute_weights, a fresh result each call), which is the
// floor any app path pays. Prints the median and p95 of both, their ratio, and last
// `edit_to_result_median_ms: X`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "attn/kernels/attention.hpp"
#include "compute/compute_request.hpp"
#include "controller/app_controller.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

int int_option(int argc, char** argv, const std::string& name, int fallback) {
  for (int k = 1; k + 1 < argc; ++k) {
    if (argv[k] == name) return std::atoi(argv[k + 1]);
  }
  return fallback;
}

// M for edit k: a drag across [0.05, 2.5] and back, the values a slider sends.
double shift_for(int k) { return 0.05 * (1 + (k % 50 < 25 ? k % 50 : 50 - k % 50)); }

}  // namespace

int main(int argc, char** argv) {
  const int n = int_option(argc, argv, "--n", 2048);
  const int d = int_option(argc, argv, "--d", 64);
  const int edits = int_option(argc, argv, "--edits", 50);
  if (n < 2 || d < 1 || edits < 2) {
    std::fprintf(stderr, "error: need --n >= 2, --d >= 1, --edits >= 2\n");
    return 2;
  }

  ax::AppState state;
  state.data.n = n;
  state.data.d = d;
  state.attention.methods = {"exp", "relu", "softplus", "sigmoid"};
  ax::AppController app(state);
  app.wait_for_results();  // data, clean weights, chart: what the app has before the drag starts
  if (!app.compute_error().empty()) {
    std::fprintf(stderr, "error: %s\n", app.compute_error().c_str());
    return 1;
  }

  std::vector<double> app_ms;
  for (int k = 0; k < edits; ++k) {
    app.state().noise.shift = shift_for(k);
    const auto start = Clock::now();
    app.sync();
    app.wait_for_weights();
    app_ms.push_back(ms_since(start));
    const auto result = app.result();
    if (!result || !app.results_for_newest_edit() || result->methods.size() != 4) {
      std::fprintf(stderr, "error: edit %d did not produce results for its M\n", k);
      return 1;
    }
  }

  // The peer: the engine alone on the same vectors, four methods per edit.
  const attn::Vectors<float> vectors = ax::engine_vectors<float>(*app.data());
  std::vector<double> engine_ms;
  for (int k = 0; k < edits; ++k) {
    ax::NoiseSettings noise;
    noise.shift = shift_for(k);
    const attn::Perturbation perturbation = ax::make_perturbation(noise, n, n);
    const auto start = Clock::now();
    for (const std::string& method : state.attention.methods) {
      const auto spec = ax::make_attention_spec(state.attention, false, attn::parse_method(method));
      const attn::Weights<float> w = attn::compute_weights(vectors, spec, perturbation);
      if (w.matrix.rows() != n) return 1;
    }
    engine_ms.push_back(ms_since(start));
  }

  const double app_median = quantile(app_ms, 0.5), engine_median = quantile(engine_ms, 0.5);
  std::printf("gui_latency: %d edits of M, n = %d, d = %d, methods exp relu softplus sigmoid, float32\n", edits, n, d);
  std::printf("  edit to finished perturbed results (app controller): median %8.1f ms   p95 %8.1f ms\n", app_median,
              quantile(app_ms, 0.95));
  std::printf("  engine alone, 4 perturbed weight matrices (peer):     median %8.1f ms   p95 %8.1f ms\n", engine_median,
              quantile(engine_ms, 0.95));
  std::printf("  app / engine-alone median: %.2f\n", app_median / engine_median);
  std::printf("edit_to_result_median_ms: %.1f\n", app_median);
  return 0;
}
