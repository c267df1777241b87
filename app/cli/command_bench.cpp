// `bench`: times the full weight-matrix computation (scores, method, normalisation) on random
// data, with no I/O in the timed part. By default every run writes into the same output, as the
// app does when it recomputes after an edit; --fresh allocates a new result for each run, as a
// one-shot caller would (the difference is the cost of mapping and clearing n x m new pages).
// --mask causal times the causal weights, which never score the keys above the diagonal. Beside
// the times: the GFLOP/s of the products (of the median run) and the GB/s of the result written.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "attn/kernels/attention.hpp"
#include "commands.hpp"
#include "throughput.hpp"

namespace cli {
namespace {

struct BenchOptions {
  long n = 1024;
  long m = 0;
  long d = 64;
  std::string method = "exp";
  std::string score = "scaled-dot";
  std::string mask = "none";
  int repeat = 10;
  int threads = 0;
  bool use_double = false;
  bool fresh = false;
};

template <class T>
attn::Mat<T> random_matrix(long rows, long cols, std::uint64_t seed) {
  attn::Rng rng(seed);
  attn::Mat<T> x(rows, cols);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = static_cast<T>(rng.normal());
  return x;
}

template <class T>
void run(const BenchOptions& o) {
  if (o.n < 1 || o.d < 1) throw attn::UsageError("--n and --d must be at least 1");
  if (o.m < 0) throw attn::UsageError("--m must be at least 1 (or 0 for m = n)");
  if (o.repeat < 1) throw attn::UsageError("--repeat: must be at least 1");
  apply_threads_option(o.threads);
  attn::AttentionSpec spec;
  try {
    spec.method = attn::parse_method(o.method);
    spec.score = attn::parse_score_kind(o.score);
    spec.mask = attn::parse_mask(o.mask);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("bench: ") + e.what());
  }
  const long m = o.m > 0 ? o.m : o.n;
  attn::check_matrix_size(o.n, m, "weight matrix");
  attn::Vectors<T> vectors;
  vectors.queries = random_matrix<T>(o.n, o.d, 1);
  vectors.keys = random_matrix<T>(m, o.d, 2);

  attn::Weights<T> reused;
  attn::compute_weights_into(vectors, spec, {}, reused);  // warm-up: page in code and data
  std::vector<double> ms;
  for (int r = 0; r < o.repeat; ++r) {
    attn::Weights<T> fresh;  // freed after the clock stops, as a caller's result would be
    attn::Weights<T>& out = o.fresh ? fresh : reused;
    const auto start = std::chrono::steady_clock::now();
    attn::compute_weights_into(vectors, spec, {}, out);
    const auto stop = std::chrono::steady_clock::now();
    if (out.matrix.rows() != o.n) throw std::logic_error("bench: wrong result shape");
    ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  std::printf("n=%ld m=%ld d=%ld method=%s score=%s mask=%s %s threads=%d repeat=%d output=%s\n", o.n, m, o.d,
              spec.method.spec().c_str(), o.score.c_str(), o.mask.c_str(), sizeof(T) == 4 ? "float32" : "float64",
              attn::thread_count(), o.repeat, o.fresh ? "fresh" : "reused");
  std::printf("min_ms: %.3f\n", ms.front());
  std::printf("max_ms: %.3f\n", ms.back());
  print_throughput(scored_cells(o.n, m, spec.mask), o.d, static_cast<double>(o.n) * static_cast<double>(m) * sizeof(T),
                   median);
  std::printf("median_ms: %.3f\n", median);
}

}  // namespace

Action add_bench_command(CLI::App& app) {
  auto* sub = app.add_subcommand("bench", "Time the full weight-matrix computation on random data");
  auto o = std::make_shared<BenchOptions>();
  sub->add_option("--n", o->n, "Number of queries")->capture_default_str();
  sub->add_option("--m", o->m, "Number of keys (default: n)");
  sub->add_option("--d", o->d, "Dimension")->capture_default_str();
  sub->add_option("--method", o->method, "Method")->capture_default_str();
  sub->add_option("--score", o->score, "Score")->capture_default_str();
  sub->add_option("--mask", o->mask, "none or causal (the keys above the diagonal are never scored)")
      ->capture_default_str();
  sub->add_option("--repeat", o->repeat, "Timed runs (the median is reported)")->capture_default_str();
  sub->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  sub->add_flag("--double", o->use_double, "Time float64 instead of float32");
  sub->add_flag("--fresh", o->fresh, "Allocate a new result for every run (default: reuse one, as the app does)");
  return [o] { o->use_double ? run<double>(*o) : run<float>(*o); };
}

}  // namespace cli
