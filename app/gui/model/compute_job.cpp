#include "model/compute_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "attn/errors.hpp"
#include "attn/experiments.hpp"
#include "attn/functions.hpp"
#include "attn/metrics.hpp"
#include "attn/random.hpp"
#include "model/weights_precision.hpp"

namespace ax {
namespace {

constexpr int kCurvePoints = 241;
constexpr int kHistogramBins = 40;

attn::Vec<float> column_sums(const attn::Weights<float>& w) {
  attn::Vec<float> sums = attn::Vec<float>::Zero(w.matrix.cols());
  for (attn::Index i = 0; i < w.matrix.rows(); ++i) {
    if (w.defined(i)) sums += w.matrix.row(i).transpose();
  }
  return sums;
}

std::pair<double, double> finite_range(const attn::MatF& a, const attn::MatF& b) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const attn::MatF* m : {&a, &b}) {
    for (attn::Index k = 0; k < m->size(); ++k) {
      const double v = m->data()[k];
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo <= hi)) return {-1.0, 1.0};
  if (hi - lo < 1e-9) return {lo - 1.0, hi + 1.0};
  return {lo, hi};
}

Histogram histogram_of(const attn::MatF& scores, double lo, double hi) {
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(kHistogramBins, 0.0);
  const double width = (hi - lo) / kHistogramBins;
  for (attn::Index k = 0; k < scores.size(); ++k) {
    const double v = scores.data()[k];
    if (!std::isfinite(v)) continue;
    const int bin = std::clamp(static_cast<int>((v - lo) / width), 0, kHistogramBins - 1);
    h.counts[static_cast<std::size_t>(bin)] += 1.0;
  }
  return h;
}

FunctionCurve curve_of(const attn::Method& method, double lo, double hi) {
  FunctionCurve c;
  for (int k = 0; k < kCurvePoints; ++k) c.z.push_back(lo + (hi - lo) * k / (kCurvePoints - 1));
  c.f = attn::evaluate_ratio_function(method, c.z);
  for (double v : c.f) {
    if (std::isfinite(v)) c.f_max = std::max(c.f_max, std::abs(v));
  }
  for (double& v : c.f) v = (std::isfinite(v) && c.f_max > 0.0) ? v / c.f_max : std::numeric_limits<double>::quiet_NaN();
  return c;
}

std::vector<double> log_spaced(double lo, double hi, int count) {
  std::vector<double> out;
  for (int k = 0; k < count; ++k) out.push_back(lo * std::pow(hi / lo, static_cast<double>(k) / (count - 1)));
  return out;
}

void results_for_weight_files(const ComputeRequest& request, ComputeResult& result) {
  const LoadedData& data = *request.data;
  for (std::size_t h = 0; h < data.weight_stack.size(); ++h) {
    MethodResult r;
    r.spec = data.weight_stack.size() > 1 ? "head " + std::to_string(h) : "weights";
    r.ratio_form = false;
    r.clean.matrix = data.weight_stack[h].cast<float>();
    r.clean.rows.assign(static_cast<std::size_t>(r.clean.matrix.rows()), attn::RowStatus::Defined);
    for (attn::Index i = 0; i < r.clean.matrix.rows(); ++i) {
      const double total = data.weight_stack[h].row(i).sum();  // NaN for an undefined row
      if (!(std::abs(total - 1.0) <= 1e-3) || (data.weight_stack[h].row(i).array() < 0.0).any()) {
        // Not a distribution: show it as undefined rather than as weights it is not.
        r.clean.rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
        r.clean.matrix.row(i).setConstant(std::numeric_limits<float>::quiet_NaN());
      }
    }
    r.perturbed = r.clean;
    r.clean_stats = r.perturbed_stats = image_stats(r.clean.matrix, r.clean.rows);
    r.column_sums_clean = r.column_sums_perturbed = column_sums(r.clean);
    result.methods.push_back(std::move(r));
  }
}

// The model's own weights as engine weights in precision T: rows that are not distributions are
// undefined, as in any loaded weight file.
template <class T>
attn::Weights<T> reference_weights(const attn::MatD& reference) {
  attn::Weights<T> w;
  w.matrix = reference.cast<T>();
  w.rows.assign(static_cast<std::size_t>(reference.rows()), attn::RowStatus::Defined);
  for (attn::Index i = 0; i < reference.rows(); ++i) {
    const double total = reference.row(i).sum();
    if (!(std::abs(total - 1.0) <= 1e-3) || (reference.row(i).array() < 0.0).any()) {
      w.rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
      w.matrix.row(i).setConstant(std::numeric_limits<T>::quiet_NaN());
    }
  }
  return w;
}

// Appends the model's weights as the last heatmap, with the distance of exp (recomputed with the
// current settings) from them.
template <class T>
void add_reference(const ComputeRequest& request, ComputeResult& result, const attn::Weights<T>& reference,
                   const attn::Vectors<T>& vectors, const std::optional<attn::Weights<T>>& exp) {
  result.has_reference = true;
  result.versus_reference = request.versus_reference;
  result.exp_vs_reference = attn::compare_weights(
      reference, exp ? *exp : attn::compute_weights(vectors, make_attention_spec(request.attention, request.centre, {})));
  MethodResult r;
  r.spec = "model's weights";
  r.is_reference = true;
  r.ratio_form = false;
  r.clean = weights_as<float>(reference);
  r.perturbed = r.clean;  // the model's weights are data: no perturbation reaches them
  r.clean_stats = r.perturbed_stats = image_stats(r.clean.matrix, r.clean.rows);
  r.column_sums_clean = r.column_sums_perturbed = column_sums(r.clean);
  result.methods.push_back(std::move(r));
}

template <class T>
void compute_vectors(const ComputeRequest& request, ComputeResult& result, const ComputeCallbacks& cb,
                     std::vector<attn::Method>& parsed) {
  const auto check = [&] {
    if (cb.cancel && cb.cancel->load()) throw attn::Cancelled();
  };
  const auto progress = [&](double fraction, const char* stage) {
    if (cb.progress) cb.progress(fraction, stage);
  };
  progress(0.0, "scores");
  const attn::Vectors<T> vectors = engine_vectors<T>(*request.data);
  const attn::ScoreKind score = attn::parse_score_kind(request.attention.score);
  const attn::Perturbation perturbation =
      make_perturbation(request.noise, vectors.queries.rows(), vectors.key_vectors().rows());
  result.expected_shift = attn::expected_score_shift(score, request.noise.global_rms, vectors.dimension());
  result.perturbed = !perturbation.is_identity();

  const attn::AttentionSpec base = make_attention_spec(request.attention, request.centre, {});
  result.scores_clean = attn::compute_scores(vectors, base).template cast<float>();
  result.scores_perturbed = attn::compute_scores(vectors, base, perturbation).template cast<float>();
  const auto [lo, hi] = finite_range(result.scores_clean, result.scores_perturbed);
  result.score_histogram = histogram_of(result.scores_clean, lo, hi);

  std::optional<attn::Weights<T>> reference, exp;
  if (request.data->reference) {
    reference = reference_weights<T>(*request.data->reference);
    if (reference->matrix.rows() != vectors.queries.rows() || reference->matrix.cols() != vectors.key_vectors().rows()) {
      throw attn::InputError("the model's weights do not match its queries and keys");
    }
  }
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    check();
    progress(0.1 + 0.9 * static_cast<double>(k) / static_cast<double>(parsed.size()), "weights");
    MethodResult& r = result.methods[k];
    if (!r.error.empty()) continue;
    const attn::AttentionSpec spec = make_attention_spec(request.attention, request.centre, parsed[k]);
    const attn::Weights<T> clean = attn::compute_weights(vectors, spec);
    if (reference) {
      r.vs_reference = attn::compare_weights(*reference, clean);
      if (!exp && parsed[k].spec() == "exp") exp = clean;
    }
    const attn::Weights<T> perturbed = attn::compute_weights(vectors, spec, perturbation);
    r.deviation = attn::compare_weights(clean, perturbed);
    r.clean = weights_as<float>(clean);
    r.perturbed = weights_as<float>(perturbed);
    r.clean_stats = image_stats(r.clean.matrix, r.clean.rows);
    r.perturbed_stats = image_stats(r.perturbed.matrix, r.perturbed.rows);
    r.column_sums_clean = column_sums(r.clean);
    r.column_sums_perturbed = column_sums(r.perturbed);
    r.ratio_form = parsed[k].is_ratio_form();
    if (r.ratio_form) r.curve = curve_of(parsed[k], lo, hi);
  }
  if (reference) add_reference(request, result, *reference, vectors, exp);
}

// The streaming path: no n x m matrix. The heatmaps are computed pixel by pixel later (the
// overview service); here only what the first rows tell: the score histogram, F's curve and
// the perturbation's deviation, over the first kChartMaxQueries queries with every key.
void compute_streaming(const ComputeRequest& request, ComputeResult& result, const ComputeCallbacks& cb,
                       const std::vector<attn::Method>& parsed) {
  auto inputs = std::make_shared<StreamingInputs>();
  inputs->vectors = engine_vectors<float>(*request.data);
  const attn::Index n = inputs->vectors.queries.rows(), m = inputs->vectors.key_vectors().rows();
  const attn::ScoreKind score = attn::parse_score_kind(request.attention.score);
  inputs->perturbation = make_perturbation(request.noise, n, m);
  result.expected_shift = attn::expected_score_shift(score, request.noise.global_rms, inputs->vectors.dimension());
  result.perturbed = !inputs->perturbation.is_identity();

  attn::Vectors<float> first;
  first.queries = inputs->vectors.queries.topRows(std::min(n, kChartMaxQueries));
  first.keys = inputs->vectors.key_vectors();
  attn::Perturbation first_perturbation = inputs->perturbation;
  if (!first_perturbation.row_shifts.empty()) first_perturbation.row_shifts.resize(static_cast<std::size_t>(first.queries.rows()));
  const attn::AttentionSpec base = make_attention_spec(request.attention, request.centre, {});
  const attn::MatF scores = attn::compute_scores(first, base);
  const auto [lo, hi] = finite_range(scores, scores);
  result.score_histogram = histogram_of(scores, lo, hi);
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    if (cb.cancel && cb.cancel->load()) throw attn::Cancelled();
    if (cb.progress) cb.progress(static_cast<double>(k) / static_cast<double>(parsed.size()), "first rows");
    inputs->specs.push_back(make_attention_spec(request.attention, request.centre, parsed[k]));
    MethodResult& r = result.methods[k];
    if (!r.error.empty()) continue;
    r.ratio_form = parsed[k].is_ratio_form();
    if (r.ratio_form) r.curve = curve_of(parsed[k], lo, hi);
    if (!parsed[k].is_row_wise()) continue;  // needs every column: the overview says why
    r.deviation = attn::compare_weights(attn::compute_weights(first, inputs->specs.back()),
                                        attn::compute_weights(first, inputs->specs.back(), first_perturbation));
  }
  result.streaming = std::move(inputs);
}

template <class T>
std::shared_ptr<InvarianceChart> compute_chart(const ComputeRequest& request, const ComputeResult& result,
                                               const std::vector<attn::Method>& parsed, const std::atomic<bool>* cancel) {
  const LoadedData& data = *request.data;
  auto chart = std::make_shared<InvarianceChart>();
  chart->generation = result.generation;
  chart->total_rows = data.queries.rows();
  chart->rows = std::min<attn::Index>(data.queries.rows(), kChartMaxQueries);
  const attn::Vectors<T> vectors = engine_vectors<T>(data, kChartMaxQueries);
  chart->shifts = log_spaced(request.chart_shift_min, request.chart_shift_max, kChartShifts);
  std::vector<attn::Method> usable;
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    if (!result.methods[k].error.empty()) continue;
    usable.push_back(parsed[k]);
    chart->curves.push_back({result.methods[k].spec, k, {}});
  }
  attn::ProgressReporter progress;
  progress.cancel = cancel;
  const auto rows = attn::invariance_sweep(vectors, make_attention_spec(request.attention, request.centre, {}), usable,
                                           chart->shifts, progress);
  for (std::size_t u = 0; u < usable.size(); ++u) {
    for (std::size_t s = 0; s < chart->shifts.size(); ++s) {
      chart->curves[u].max_abs_diff.push_back(rows[u * chart->shifts.size() + s].deviation.max_abs_diff);
    }
  }
  return chart;
}

}  // namespace

ComputeRequest make_compute_request(const AppState& state, std::shared_ptr<const LoadedData> data) {
  ComputeRequest r;
  r.data = std::move(data);
  r.attention = state.attention;
  r.noise = state.noise;
  r.chart_shift_min = state.view.chart_shift_min;
  r.chart_shift_max = state.view.chart_shift_max;
  r.centre = state.data.centre;
  r.versus_reference = state.view.versus_model;
  return r;
}

attn::AttentionSpec make_attention_spec(const AttentionSettings& attention, bool centre, const attn::Method& method) {
  attn::AttentionSpec spec;
  spec.score = attn::parse_score_kind(attention.score);
  spec.alpha = attention.alpha;
  spec.mask = attn::parse_mask(attention.mask);
  spec.method = method;
  spec.centre = centre;
  spec.subtract_max = attention.subtract_max;
  return spec;
}

attn::Perturbation make_perturbation(const NoiseSettings& noise, attn::Index queries, attn::Index keys) {
  attn::Perturbation p;
  p.shift = noise.shift;
  p.scale = noise.scale;
  p.score_noise_rms = noise.score_noise_rms;
  p.global_rms = noise.global_rms;
  p.local_rms = noise.local_rms;
  p.noise_target = attn::parse_noise_target(noise.target);
  p.seed = noise.seed;
  p.draw = noise.draw;
  constexpr std::uint64_t kRowShiftStream = 101, kColumnShiftStream = 102;
  if (noise.row_shift_rms > 0.0) {
    attn::Rng rng(noise.seed, noise.draw, kRowShiftStream);
    for (attn::Index i = 0; i < queries; ++i) p.row_shifts.push_back(noise.row_shift_rms * rng.normal());
  }
  if (noise.column_shift_rms > 0.0) {
    attn::Rng rng(noise.seed, noise.draw, kColumnShiftStream);
    for (attn::Index j = 0; j < keys; ++j) p.column_shifts.push_back(noise.column_shift_rms * rng.normal());
  }
  return p;
}

void run_compute(const ComputeRequest& request, std::uint64_t generation, const ComputeCallbacks& cb) {
  const auto start = std::chrono::steady_clock::now();
  auto result = std::make_shared<ComputeResult>();
  result->generation = generation;
  result->data = request.data;
  result->weights_only = request.data->weights_only;
  result->use_double = request.attention.use_double;
  result->queries = request.data->query_count();
  result->keys = request.data->key_count();
  result->dimension = request.data->dimension();
  const auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };

  if (result->weights_only) {
    results_for_weight_files(request, *result);
    result->compute_ms = elapsed_ms();
    cb.publish(result);
    return;
  }

  std::vector<attn::Method> parsed;
  for (const std::string& spec : request.attention.methods) {
    MethodResult r;
    r.spec = spec;
    try {
      parsed.push_back(attn::parse_method(spec));
    } catch (const attn::UsageError& e) {
      parsed.emplace_back();
      r.error = e.what();
    }
    result->methods.push_back(std::move(r));
  }
  result->path = choose_compute_path("the data", result->queries, result->keys);
  if (result->path == ComputePath::Streaming) {
    result->use_double = false;  // streamed in float32
    compute_streaming(request, *result, cb, parsed);
  } else if (request.attention.use_double) {
    compute_vectors<double>(request, *result, cb, parsed);
  } else {
    compute_vectors<float>(request, *result, cb, parsed);
  }
  result->compute_ms = elapsed_ms();
  cb.publish(result);

  if (cb.cancel && cb.cancel->load()) throw attn::Cancelled();
  std::shared_ptr<InvarianceChart> chart = request.attention.use_double
                                               ? compute_chart<double>(request, *result, parsed, cb.cancel)
                                               : compute_chart<float>(request, *result, parsed, cb.cancel);
  if (cb.publish_chart) cb.publish_chart(chart);
}

}  // namespace ax
