// `overview`: the pooled image of W (each pixel the max or mean of exactly the cells it covers),
// streamed from queries and keys without the n x m matrix, or pooled from a weight file. With
// --n it times the streamed overview on generated vectors instead, and prints the GFLOP/s of its
// products beside the time.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/ndarray.hpp"
#include "attn/overview/overview.hpp"
#include "commands.hpp"
#include "file_masks.hpp"
#include "input_files.hpp"
#include "throughput.hpp"

namespace cli {
namespace {

struct OverviewOptions {
  std::string input, keys, weights, out;
  StackSelection selection;
  std::string score = "scaled-dot";
  double alpha = 1.0;
  std::string method = "exp";
  std::string mask = "file";
  double shift = 0.0;
  std::string view = "weights";
  long pixels = 0;
  std::string reduce = "max";
  std::string rows, cols;
  bool use_double = false;
  int threads = 0;
  // Timing on generated data.
  long n = 0, d = 64;
  std::uint64_t seed = 1;
  int repeat = 3;
};

// "a:b", "a:" or ":b" (an empty side is the start or the end of the matrix).
struct Range {
  std::optional<long> begin, end;
};

Range parse_range(const std::string& option, const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) {
    throw attn::UsageError(option + ": '" + text + "' is not a range a:b (e.g. 0:1024)");
  }
  auto side = [&](const std::string& part) -> std::optional<long> {
    if (part.empty()) return std::nullopt;
    std::size_t used = 0;
    long value = 0;
    try {
      value = std::stol(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || value < 0) {
      throw attn::UsageError(option + ": '" + part + "' in '" + text + "' is not a non-negative whole number");
    }
    return value;
  };
  return {side(text.substr(0, colon)), side(text.substr(colon + 1))};
}

attn::OverviewRequest make_request(const OverviewOptions& o, attn::Index n, attn::Index m) {
  attn::OverviewRequest request;
  request.pixel_rows = request.pixel_cols = o.pixels;
  if (o.view == "weights") {
    request.cell = attn::CellValue::Weight;
  } else if (o.view == "abs-difference") {
    request.cell = attn::CellValue::AbsDifference;
  } else if (o.view == "signed-difference") {
    request.cell = attn::CellValue::SignedDifference;
  } else {
    throw attn::UsageError("--view: unknown view '" + o.view +
                           "' (choose weights, abs-difference or signed-difference)");
  }
  const Range rows = o.rows.empty() ? Range{} : parse_range("--rows", o.rows);
  const Range cols = o.cols.empty() ? Range{} : parse_range("--cols", o.cols);
  request.window =
      attn::CellWindow{rows.begin.value_or(0), rows.end.value_or(n), cols.begin.value_or(0), cols.end.value_or(m)};
  return request;
}

// `from_file`: the rows are NaN in a weight file, whatever made them so; otherwise the engine's
// reason is named.
void warn_undefined(const attn::Overview& overview, const std::string& where, bool from_file = false) {
  const attn::Index count = overview.undefined_rows();
  if (count == 0) return;
  std::ostringstream list;
  constexpr attn::Index kShown = 20;
  attn::Index shown = 0;
  for (std::size_t k = 0; k < overview.rows.size() && shown < kShown; ++k) {
    if (overview.rows[k] == attn::RowStatus::Defined) continue;
    list << (shown++ ? ", " : "") << overview.window.row_begin + static_cast<attn::Index>(k);
    if (!from_file) list << " (" << attn::row_status_name(overview.rows[k]) << ")";
  }
  if (count > kShown) list << ", ... " << count - kShown << " more";
  std::cerr << "warning: " << where << count << " of " << overview.window.rows() << " rows have undefined weights"
            << (from_file ? " (NaN in the file)" : "")
            << ", not part of any pixel (a pixel with no defined cell is NaN): rows " << list.str() << "\n";
}

std::string describe(const attn::Overview& o, const std::string& reduction, const std::string& path) {
  std::ostringstream s;
  const attn::CellWindow& w = o.window;
  s << "overview: rows " << w.row_begin << ":" << w.row_end << " x keys " << w.col_begin << ":" << w.col_end << " on "
    << o.pixel_rows << " x " << o.pixel_cols << " pixels (up to " << (w.rows() + o.pixel_rows - 1) / o.pixel_rows
    << " x " << (w.cols() + o.pixel_cols - 1) / o.pixel_cols << " cells per pixel), " << reduction << ", " << path;
  return s.str();
}

// Peak resident memory of this process so far (VmHWM), in MiB; -1 where /proc is unavailable.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1.0;
}

template <class T>
attn::Mat<T> random_matrix(long rows, long cols, std::uint64_t seed, std::uint64_t stream) {
  attn::Rng rng(seed, 0, stream);
  attn::Mat<T> x(rows, cols);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = static_cast<T>(rng.normal());
  return x;
}

struct Settings {
  attn::AttentionSpec spec;
  attn::Perturbation perturbation;
  attn::PoolReduction reduction = attn::PoolReduction::Max;
};

Settings parse_settings(const OverviewOptions& o) {
  AttentionOptions shared;
  shared.score = o.score;
  shared.mask = o.mask;
  shared.alpha = o.alpha;
  shared.threads = o.threads;
  shared.apply_thread_count();
  Settings s;
  s.spec.score = shared.score_kind();
  s.spec.mask = shared.mask_kind();
  s.spec.alpha = o.alpha;
  try {
    s.spec.method = attn::parse_method(o.method);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--method: ") + e.what());
  }
  try {
    s.reduction = attn::parse_pool_reduction(o.reduce);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--reduce: ") + e.what());
  }
  if (!std::isfinite(o.shift)) throw attn::UsageError("--shift: must be a finite number");
  s.perturbation.shift = o.shift;
  if (o.pixels < 1) throw attn::UsageError("--pixels: must be at least 1");
  return s;
}

// One image per matrix of the input; a stack in gives a stack of the same leading axes out.
void write_overviews(const std::string& path, const std::vector<attn::Overview>& overviews,
                     attn::PoolReduction reduction, const std::vector<attn::Index>& stack_shape) {
  const attn::Overview& first = overviews.front();
  std::vector<float> data;
  for (const attn::Overview& o : overviews) {
    const std::vector<float>& v = o.values(reduction);
    data.insert(data.end(), v.begin(), v.end());
  }
  std::vector<attn::Index> shape = stack_shape;
  shape.push_back(first.pixel_rows);
  shape.push_back(first.pixel_cols);
  attn::write_array_file(path, data.data(), shape);
}

template <class T>
void run_vectors(const OverviewOptions& o, Settings s) {
  const VectorStack stack = load_vector_stack(o.input, o.keys, o.selection);
  AttentionOptions source;
  source.input = o.input;
  source.selection = o.selection;
  source.mask = o.mask;
  const FileMasks masks(source);
  if (!masks.note().empty()) std::cerr << attn::one_line(masks.note()) << "\n";
  std::vector<attn::Overview> overviews;
  for (std::size_t h = 0; h < stack.queries.size(); ++h) {
    const attn::Vectors<T> vectors = head_vectors<T>(stack, h, o.input, o.keys);
    masks.apply(s.spec, h);
    const attn::OverviewRequest request = make_request(o, vectors.queries.rows(), vectors.key_vectors().rows());
    overviews.push_back(attn::stream_overview(vectors, s.spec, s.perturbation, request));
    warn_undefined(overviews.back(), stack_place(stack.stack_shape, h));
  }
  write_overviews(o.out, overviews, s.reduction, stack.stack_shape);
  std::cout << describe(overviews.front(), o.reduce, "streamed from the vectors") << "\n";
}

// A weight file: rows holding NaN are the undefined rows the engine writes.
void run_weights(const OverviewOptions& o, const Settings& s) {
  if (o.view != "weights") throw attn::UsageError("--view: a weight file has no perturbation to compare with");
  const attn::NdArray array = read_selected(o.weights, o.selection, true, attn::NonFinite::AllowNaN);
  const std::vector<attn::MatD> matrices = array.stack();
  const std::vector<attn::Index> stack_shape(array.shape.begin(),
                                             array.shape.end() - std::min<attn::Index>(array.rank(), 2));
  std::vector<attn::Overview> overviews;
  for (std::size_t h = 0; h < matrices.size(); ++h) {
    attn::Weights<double> w;
    w.matrix = matrices[h];
    w.rows.assign(static_cast<std::size_t>(w.matrix.rows()), attn::RowStatus::Defined);
    for (attn::Index i = 0; i < w.matrix.rows(); ++i) {
      if (w.matrix.row(i).hasNaN()) w.rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
    }
    overviews.push_back(attn::overview_of(w, make_request(o, w.matrix.rows(), w.matrix.cols())));
    warn_undefined(overviews.back(), stack_place(stack_shape, h) + o.weights + ": ", true);
  }
  write_overviews(o.out, overviews, s.reduction, stack_shape);
  std::cout << describe(overviews.front(), o.reduce, "pooled from " + o.weights) << "\n";
}

template <class T>
void run_timing(const OverviewOptions& o, const Settings& s) {
  if (o.d < 1) throw attn::UsageError("--d: must be at least 1");
  if (o.repeat < 1) throw attn::UsageError("--repeat: must be at least 1");
  if (o.n > attn::kMaxArrayElements / o.d) {
    throw attn::InputError("--n " + std::to_string(o.n) + " --d " + std::to_string(o.d) +
                           ": more generated values than the limit of " + std::to_string(attn::kMaxArrayElements));
  }
  const attn::OverviewRequest request = make_request(o, o.n, o.n);
  // Checked before the vectors are generated: they alone could exhaust the memory.
  attn::check_memory_budget(
      attn::add_bytes(attn::stream_overview_bytes(o.n, o.n, o.d, sizeof(T), request),
                      attn::array_bytes({2, o.n, o.d}, sizeof(T))),
      "--n " + std::to_string(o.n) + " --d " + std::to_string(o.d) + ": a streamed overview of generated vectors");
  attn::Vectors<T> vectors;
  vectors.queries = random_matrix<T>(o.n, o.d, o.seed, 1);
  vectors.keys = random_matrix<T>(o.n, o.d, o.seed, 2);
  std::vector<double> ms;
  attn::Overview last;
  for (int r = 0; r < o.repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    last = attn::stream_overview(vectors, s.spec, s.perturbation, request);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  if (!o.out.empty()) write_overviews(o.out, {last}, s.reduction, {});
  std::sort(ms.begin(), ms.end());
  const double median = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  std::printf("n=%ld d=%ld method=%s score=%s mask=%s %s threads=%d repeat=%d pixels=%ldx%ld\n", o.n, o.d,
              s.spec.method.spec().c_str(), o.score.c_str(), o.mask.c_str(), sizeof(T) == 4 ? "float32" : "float64",
              attn::thread_count(), o.repeat, static_cast<long>(last.pixel_rows), static_cast<long>(last.pixel_cols));
  std::printf("undefined_rows: %ld\n", static_cast<long>(last.undefined_rows()));
  std::printf("peak_rss_mib: %.1f\n", peak_rss_mib());
  std::printf("min_ms: %.3f\n", ms.front());
  // Every row of the window is scored against all the keys it sees (twice for a difference view).
  const attn::Index r0 = last.window.row_begin, r1 = last.window.row_end;
  const double cells = scored_cells(r1, o.n, s.spec.mask) - scored_cells(r0, o.n, s.spec.mask);
  print_throughput(cells * (o.view == "weights" ? 1.0 : 2.0), o.d, 0.0, median);
  std::printf("median_ms: %.3f\n", median);
}

void run(const OverviewOptions& o) {
  const Settings s = parse_settings(o);
  const bool timing = o.n != 0;
  if (timing) {
    if (o.n < 1) throw attn::UsageError("--n: must be at least 1");
    if (!o.input.empty() || !o.weights.empty()) {
      throw attn::UsageError("--n times generated vectors: give it without --input or --weights");
    }
    return o.use_double ? run_timing<double>(o, s) : run_timing<float>(o, s);
  }
  if (o.out.empty()) throw attn::UsageError("--out is required (except when timing with --n)");
  if (o.input.empty() == o.weights.empty()) {
    throw attn::UsageError("give --input (vectors, with optional --keys) or --weights (a weight matrix), one of them");
  }
  if (!o.weights.empty()) {
    if (!o.keys.empty()) throw attn::UsageError("--keys goes with --input, not with --weights");
    return run_weights(o, s);
  }
  o.use_double ? run_vectors<double>(o, s) : run_vectors<float>(o, s);
}

}  // namespace

Action add_overview_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "overview",
      "Pooled image of W: each pixel the max (or mean) of exactly the cells it covers, without the n x m matrix");
  auto o = std::make_shared<OverviewOptions>();
  sub->add_option("--input,-i", o->input, "Vectors X (queries), n x d, .npy or .csv");
  sub->add_option("--keys,-k", o->keys, "Keys K, m x d (default: the input, i.e. self-attention)");
  sub->add_option("--weights,-w", o->weights, "A weight matrix (or stack) to pool instead; NaN rows are undefined");
  sub->add_option("--layer", o->selection.layer, "Use this layer (from 0) of [L, H, n, d] files");
  sub->add_option("--head", o->selection.head, "Use this head (from 0) of [H, n, d] files, or of the chosen layer");
  sub->add_option("--score", o->score, "dot, scaled-dot, cosine or neg-sqdist")->capture_default_str();
  sub->add_option("--alpha,-a", o->alpha, "Inverse temperature: s = alpha * (score + shift)")->capture_default_str();
  sub->add_option("--method,-m", o->method, "Method (see `functions`)")->capture_default_str();
  sub->add_option("--mask", o->mask, "file (a model file's own masks, as for `weights`), none or causal")
      ->capture_default_str();
  sub->add_option("--shift", o->shift, "Constant M added to every score before alpha")->capture_default_str();
  sub->add_option("--view", o->view,
                  "weights, or abs-difference / signed-difference: W(shift) - W(0), pooled by magnitude")
      ->capture_default_str();
  sub->add_option("--pixels,-p", o->pixels, "Pixels per side (fewer where the window has fewer cells)")->required();
  sub->add_option("--reduce", o->reduce, "max or mean")->capture_default_str();
  sub->add_option("--rows", o->rows, "Window of queries a:b (default: all)");
  sub->add_option("--cols", o->cols, "Window of keys c:d (default: all)");
  sub->add_option("--out,-o", o->out, "Output image, P x P float32 .npy or .csv (NaN: no defined cell)");
  sub->add_flag("--double", o->use_double, "Compute in float64 (default float32)");
  sub->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  sub->add_option("--n", o->n, "Time on n generated gaussian queries and keys instead of files");
  sub->add_option("--d", o->d, "Dimension of the generated vectors")->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of the generated vectors")->capture_default_str();
  sub->add_option("--repeat", o->repeat, "Timed runs with --n (the median is reported)")->capture_default_str();
  return [o] { run(*o); };
}

}  // namespace cli
