#include "compute/compute_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "attn/base/errors.hpp"
#include "attn/base/random.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/feature_maps.hpp"
#include "attn/kernels/functions.hpp"
#include "compute/badge_deviation.hpp"
#include "compute/matrix_scans.hpp"
#include "compute/sentence_loading.hpp"
#include "compute/weights_precision.hpp"

namespace ax {
namespace {

constexpr int kCurvePoints = 241;
constexpr int kHistogramBins = 40;
// Result buffers kept for reuse: the one shown, one being filled, and one the renderer may still
// hold while it uploads.
constexpr std::size_t kResultBuffers = 3;

// The range of the score histogram and F(z) curves: both extents, widened when degenerate.
std::pair<double, double> finite_range(std::pair<double, double> a, std::pair<double, double> b) {
  const double lo = std::min(a.first, b.first), hi = std::max(a.second, b.second);
  if (!(lo <= hi)) return {-1.0, 1.0};
  if (hi - lo < 1e-9) return {lo - 1.0, hi + 1.0};
  return {lo, hi};
}

FunctionCurve curve_of(const attn::Method& method, double lo, double hi) {
  FunctionCurve c;
  for (int k = 0; k < kCurvePoints; ++k) c.z.push_back(lo + (hi - lo) * k / (kCurvePoints - 1));
  c.f = attn::evaluate_ratio_function(method, c.z);
  for (double v : c.f) {
    if (std::isfinite(v)) c.f_max = std::max(c.f_max, std::abs(v));
  }
  for (double& v : c.f)
    v = (std::isfinite(v) && c.f_max > 0.0) ? v / c.f_max : std::numeric_limits<double>::quiet_NaN();
  return c;
}

std::vector<double> log_spaced(double lo, double hi, int count) {
  std::vector<double> out;
  for (int k = 0; k < count; ++k) out.push_back(lo * std::pow(hi / lo, static_cast<double>(k) / (count - 1)));
  return out;
}

void check(const std::atomic<bool>* cancel) {
  if (cancel && cancel->load()) throw attn::Cancelled();
}

// Parses every method; one that does not parse keeps its error and a default method in its place.
void parse_methods(const std::vector<std::string>& specs, std::vector<attn::Method>& parsed,
                   std::vector<std::string>& errors) {
  parsed.clear();
  errors.clear();
  for (const std::string& spec : specs) {
    try {
      parsed.push_back(attn::parse_method(spec));
      errors.emplace_back();
    } catch (const attn::UsageError& e) {
      parsed.emplace_back();
      errors.emplace_back(attn::one_line(e.what()));  // it quotes the formula, of any length
    }
  }
}

// Methods the mask does not allow (stick-breaking without the causal mask) get their error.
void check_masks(const std::vector<attn::Method>& parsed, attn::Mask mask, std::vector<std::string>& errors) {
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    if (!errors[k].empty()) continue;
    try {
      attn::check_method_mask(parsed[k], mask);
    } catch (const attn::UsageError& e) {
      errors[k] = e.what();
    }
  }
}

// A method's weights from the shared scores, or from the vectors for a feature-map method (it
// takes no scores). Returns why the method cannot take the perturbation, or empty.
template <class T>
std::string method_weights(const attn::Mat<T>& scores, const attn::Vectors<T>& vectors, const attn::AttentionSpec& spec,
                           const attn::Perturbation& perturbation, attn::Weights<T>& out) {
  if (!spec.method.is_feature_map()) {
    attn::weights_from_scores_into(scores, spec.method, spec.mask, spec.subtract_max, out, spec.mask_arrays.get());
    return {};
  }
  std::string refusal = attn::perturbation_refusal(spec, perturbation);
  if (refusal.empty()) attn::compute_weights_into(vectors, spec, perturbation, out);
  return refusal;
}

void results_for_weight_files(const ComputeRequest& request, ComputeResult& result) {
  const LoadedData& data = *request.data;
  result.methods.clear();
  result.has_reference = false;
  result.scores_clean.resize(0, 0);
  result.scores_perturbed.resize(0, 0);
  result.perturbed = false;
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
// undefined, as in any loaded weight file; weights after dropout keep their rows (they need not
// sum to 1) and only the file's NaN rows are undefined.
template <class T>
attn::Weights<T> reference_weights(const attn::MatD& reference, bool after_dropout) {
  attn::Weights<T> w;
  w.matrix = reference.cast<T>();
  w.rows.assign(static_cast<std::size_t>(reference.rows()), attn::RowStatus::Defined);
  for (attn::Index i = 0; i < reference.rows(); ++i) {
    const double total = reference.row(i).sum();
    const bool distribution = std::abs(total - 1.0) <= 1e-3 && !(reference.row(i).array() < 0.0).any();
    if (!distribution && !(after_dropout && std::isfinite(total))) {
      w.rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
      w.matrix.row(i).setConstant(std::numeric_limits<T>::quiet_NaN());
    }
  }
  return w;
}

// The engine's matrices in one precision: clean weights, and (float64 only) buffers the
// perturbed stage computes into before narrowing them for display.
template <class T>
struct PrecisionStage {
  attn::Vectors<T> vectors;
  std::vector<attn::Weights<T>> clean;
  std::vector<attn::Weights<T>> perturbed;
  attn::Mat<T> scores_perturbed;              // float64 only (float32 computes into the result buffer)
  std::optional<attn::Weights<T>> reference;  // a model file's own weights of the head shown
};

// The clean stage: everything that does not depend on the noise settings.
}  // namespace

struct CleanStage {
  std::uint64_t version = 0;  // which clean computation it holds; 0 while none is valid
  std::uint64_t versions_made = 0;
  std::uint64_t request_generation = 0;  // the clean_generation of the request it was computed for
  bool use_double = false;
  std::vector<std::string> specs;
  std::vector<attn::Method> parsed;
  std::vector<std::string> errors;
  attn::MatF scores;                          // clean scores, float32 for display
  std::pair<double, double> scores_extent;    // their finite extent
  std::vector<attn::Weights<float>> display;  // float64 mode: the clean weights narrowed
  std::vector<ImageStats> stats;
  std::vector<attn::Vec<float>> column_sums;
  std::vector<attn::Deviation> vs_reference;   // each method's clean weights against the model's
  std::vector<ImageStats> vs_reference_stats;  // ... and the statistics of that difference
  // The model's own weights (data: no perturbation reaches them), shown as the last heatmap.
  bool has_reference = false;
  bool reference_after_dropout = false;
  attn::Deviation own_f_vs_reference;
  std::string own_f = "exp";
  attn::Weights<float> reference_display;
  ImageStats reference_stats;
  attn::Vec<float> reference_column_sums;
  PrecisionStage<float> single;
  PrecisionStage<double> twice;

  template <class T>
  PrecisionStage<T>& stage() {
    if constexpr (std::is_same_v<T, float>) {
      return single;
    } else {
      return twice;
    }
  }
  const attn::Weights<float>& display_weights(std::size_t k) const { return use_double ? display[k] : single.clean[k]; }
};

namespace {

// The F the model ran: a trained language model's own (or the one put in every head), exp for a
// model file (attention as PyTorch computes it).
std::string own_f_of(const LoadedData& data) {
  if (!data.sentence) return "exp";
  const SentenceInput& s = *data.sentence;
  return s.method ? s.method->spec() : s.model->config.method.spec();
}

// The model's weights of the head shown, and how far each method's clean weights (the model's own
// F above all, the check that the export is what the user thinks it is) land from them.
template <class T>
void clean_reference(const ComputeRequest& request, CleanStage& c, const attn::AttentionSpec& base) {
  PrecisionStage<T>& t = c.stage<T>();
  c.has_reference = static_cast<bool>(request.data->reference);
  c.reference_after_dropout = request.data->model && request.data->model->dropout_applied;
  t.reference.reset();
  if (!c.has_reference) return;
  t.reference =
      reference_weights<T>(*request.data->reference, request.data->model && request.data->model->dropout_applied);
  if (t.reference->matrix.rows() != t.vectors.queries.rows() ||
      t.reference->matrix.cols() != t.vectors.key_vectors().rows()) {
    throw attn::InputError("the model's weights do not match its queries and keys");
  }
  c.own_f = own_f_of(*request.data);
  std::optional<std::size_t> own;
  for (std::size_t k = 0; k < c.specs.size(); ++k) {
    if (!c.errors[k].empty()) continue;
    c.vs_reference[k] = attn::compare_weights(*t.reference, t.clean[k]);
    if (!own && c.parsed[k].spec() == c.own_f) own = k;
  }
  attn::AttentionSpec own_spec = base;
  if (!own) own_spec.method = attn::parse_method(c.own_f);
  c.own_f_vs_reference =
      attn::compare_weights(*t.reference, own ? t.clean[*own] : attn::compute_weights(t.vectors, own_spec));
  c.reference_display = weights_as<float>(*t.reference);
  c.reference_stats = image_stats(c.reference_display.matrix, c.reference_display.rows);
  for (std::size_t k = 0; k < c.specs.size(); ++k) {
    if (c.errors[k].empty()) c.vs_reference_stats[k] = difference_stats(c.display_weights(k), c.reference_display);
  }
  c.reference_column_sums = column_sums(c.reference_display);
}

using Progress = ComputeStages::Progress;

template <class T>
void compute_clean(const ComputeRequest& request, CleanStage& c, const std::atomic<bool>* cancel,
                   const Progress& progress) {
  c.version = 0;  // invalid until complete (a cancelled run leaves nothing half-made behind)
  c.use_double = std::is_same_v<T, double>;
  c.specs = request.attention.methods;
  parse_methods(c.specs, c.parsed, c.errors);
  check_masks(c.parsed, request_spec(request, {}).mask, c.errors);
  PrecisionStage<T>& t = c.stage<T>();
  c.template stage<std::conditional_t<std::is_same_v<T, float>, double, float>>() = {};  // the other precision's memory
  t.vectors = engine_vectors<T>(*request.data);
  const attn::AttentionSpec base = request_spec(request, {});
  // The clean scores once, every method's clean weights from them (as in the perturbed stage).
  attn::Mat<T> wide_scores;  // float64 only
  if constexpr (std::is_same_v<T, float>) {
    attn::compute_scores_into(t.vectors, base, {}, c.scores);
  } else {
    wide_scores = attn::compute_scores(t.vectors, base);
    c.scores = wide_scores.template cast<float>();
  }
  const attn::Mat<T>& scores = [&]() -> const attn::Mat<T>& {
    if constexpr (std::is_same_v<T, float>) {
      return c.scores;
    } else {
      return wide_scores;
    }
  }();
  c.scores_extent = finite_extent(c.scores);
  const std::size_t count = c.specs.size();
  t.clean.resize(count);
  c.display.resize(c.use_double ? count : 0);
  c.stats.assign(count, ImageStats{});
  c.column_sums.assign(count, attn::Vec<float>());
  c.vs_reference.assign(count, attn::Deviation{});
  c.vs_reference_stats.assign(count, ImageStats{});
  for (std::size_t k = 0; k < count; ++k) {
    check(cancel);
    progress(0.5 * static_cast<double>(k) / static_cast<double>(count), "clean weights");
    if (!c.errors[k].empty()) {
      t.clean[k] = {};
      if (c.use_double) c.display[k] = {};
      continue;
    }
    const attn::AttentionSpec spec = request_spec(request, c.parsed[k]);
    c.errors[k] = method_weights(scores, t.vectors, spec, {}, t.clean[k]);
    if (!c.errors[k].empty()) {
      if (c.use_double) c.display[k] = {};
      continue;
    }
    if constexpr (std::is_same_v<T, double>) c.display[k] = weights_as<float>(t.clean[k]);
    const attn::Weights<float>& shown = c.display_weights(k);
    c.stats[k] = image_stats(shown.matrix, shown.rows);
    c.column_sums[k] = column_sums(shown);
  }
  clean_reference<T>(request, c, base);
  c.request_generation = request.clean_generation;
  c.version = ++c.versions_made;
}

// Copies the clean stage into a result buffer (once per buffer and clean stage: storage of the
// same shape is reused).
void copy_clean_parts(const CleanStage& c, ComputeResult& r) {
  r.scores_clean = c.scores;
  r.methods.resize(c.specs.size() + (c.has_reference ? 1 : 0));
  r.has_reference = c.has_reference;
  r.own_f_vs_reference = c.has_reference ? c.own_f_vs_reference : attn::Deviation{};
  r.own_f = c.own_f;
  if (c.has_reference) {
    MethodResult& m = r.methods.back();
    m.spec = c.reference_after_dropout ? "model's weights, after dropout" : "model's weights";
    m.error.clear();
    m.is_reference = true;
    m.ratio_form = false;
    m.curve = FunctionCurve{};
    m.deviation = m.vs_reference = attn::Deviation{};
    m.clean.matrix = c.reference_display.matrix;
    m.clean.rows = c.reference_display.rows;
    m.perturbed = m.clean;  // the model's weights are data: no perturbation reaches them
    m.clean_stats = m.perturbed_stats = c.reference_stats;
    m.column_sums_clean = m.column_sums_perturbed = c.reference_column_sums;
    m.row_mass_clean = m.row_mass_perturbed = attn::Vec<float>();
  }
  for (std::size_t k = 0; k < c.specs.size(); ++k) {
    MethodResult& m = r.methods[k];
    m.spec = c.specs[k];
    m.error = c.errors[k];
    m.ratio_form = c.errors[k].empty() && c.parsed[k].is_ratio_form();
    m.curve = FunctionCurve{};
    m.deviation = attn::Deviation{};
    m.is_reference = false;
    m.vs_reference = c.vs_reference[k];
    m.reference_difference_stats = c.vs_reference_stats[k];
    if (!m.error.empty()) {
      m.clean = {};
      m.perturbed = {};
      m.clean_stats = m.perturbed_stats = ImageStats{};
      m.column_sums_clean = m.column_sums_perturbed = attn::Vec<float>();
      m.row_mass_clean = m.row_mass_perturbed = attn::Vec<float>();
      continue;
    }
    m.clean.matrix = c.display_weights(k).matrix;
    m.clean.rows = c.display_weights(k).rows;
    m.clean.rows_sum_to_one = c.display_weights(k).rows_sum_to_one;
    m.row_mass_clean = row_masses(m.clean);
    m.clean_stats = c.stats[k];
    m.column_sums_clean = c.column_sums[k];
  }
}

// "Differences vs the model" compare what is shown against the model's weights: the perturbed
// weights when a perturbation is on, the clean ones otherwise.
template <class T>
void compare_perturbed_with_reference(const CleanStage& c, ComputeResult& r, std::size_t k) {
  if (!c.has_reference) return;
  MethodResult& m = r.methods[k];
  if (!r.perturbed) {
    m.vs_reference = c.vs_reference[k];
    m.reference_difference_stats = c.vs_reference_stats[k];
    return;
  }
  const PrecisionStage<T>& t = const_cast<CleanStage&>(c).stage<T>();
  if constexpr (std::is_same_v<T, float>) {
    m.vs_reference = attn::compare_weights(*t.reference, m.perturbed);
  } else {
    m.vs_reference = attn::compare_weights(*t.reference, t.perturbed[k]);
  }
  m.reference_difference_stats = difference_stats(m.perturbed, c.reference_display);
}

// The perturbed stage and what depends on it: perturbed scores and weights, deviations from the
// clean weights (badges), statistics, column sums, the score histogram and the F(z) curves.
template <class T>
void compute_perturbed(const ComputeRequest& request, CleanStage& c, ComputeResult& r, const std::atomic<bool>* cancel,
                       const Progress& progress) {
  PrecisionStage<T>& t = c.stage<T>();
  const attn::Perturbation perturbation =
      make_perturbation(request.noise, t.vectors.queries.rows(), t.vectors.key_vectors().rows());
  r.expected_shift = expected_shift_of(request, t.vectors.self_attention(), t.vectors.dimension());
  r.perturbed = !perturbation.is_identity();

  const attn::AttentionSpec base = request_spec(request, {});
  // Into the buffer's own storage (float64: computed, then narrowed into it).
  // One score matrix for every method: each method's weights come from it (bit for bit what
  // compute_weights gives) instead of recomputing the product per method.
  if constexpr (std::is_same_v<T, float>) {
    attn::compute_scores_into(t.vectors, base, perturbation, r.scores_perturbed);
  } else {
    attn::compute_scores_into(t.vectors, base, perturbation, t.scores_perturbed);
    r.scores_perturbed = t.scores_perturbed.template cast<float>();
  }
  const attn::Mat<T>& scores = [&]() -> const attn::Mat<T>& {
    if constexpr (std::is_same_v<T, float>) {
      return r.scores_perturbed;
    } else {
      return t.scores_perturbed;
    }
  }();
  const auto [lo, hi] = finite_range(c.scores_extent, finite_extent(r.scores_perturbed));
  r.score_histogram = histogram_of(r.scores_clean, lo, hi, kHistogramBins);

  if constexpr (std::is_same_v<T, double>) t.perturbed.resize(c.specs.size());
  for (std::size_t k = 0; k < c.specs.size(); ++k) {
    check(cancel);
    progress(0.5 + 0.5 * static_cast<double>(k) / static_cast<double>(c.specs.size()), "weights");
    MethodResult& m = r.methods[k];
    m.error = c.errors[k];  // a perturbation refused by an earlier run on this buffer is not this run's
    if (!m.error.empty()) continue;
    const attn::AttentionSpec spec = request_spec(request, c.parsed[k]);
    if constexpr (std::is_same_v<T, float>) {
      m.error = method_weights(scores, t.vectors, spec, perturbation, m.perturbed);
      if (!m.error.empty()) continue;
      m.deviation = badge_deviation(t.clean[k], m.perturbed);
    } else {
      m.error = method_weights(scores, t.vectors, spec, perturbation, t.perturbed[k]);
      if (!m.error.empty()) continue;
      m.deviation = badge_deviation(t.clean[k], t.perturbed[k]);
      weights_as(t.perturbed[k], m.perturbed);
    }
    m.perturbed_stats = image_stats(m.perturbed.matrix, m.perturbed.rows);
    m.difference_stats = difference_stats(m.perturbed, m.clean);
    compare_perturbed_with_reference<T>(c, r, k);
    m.column_sums_perturbed = column_sums(m.perturbed);
    m.row_mass_perturbed = row_masses(m.perturbed);
    if (m.ratio_form) m.curve = curve_of(c.parsed[k], lo, hi);
  }
}

// The streaming path: no n x m matrix. The heatmaps are computed pixel by pixel later (the
// overview service); here only what the first rows tell: the score histogram, F's curve and
// the perturbation's deviation, over the first kChartMaxQueries queries with every key.
void compute_streaming(const ComputeRequest& request, ComputeResult& result, const std::atomic<bool>* cancel,
                       const Progress& progress) {
  std::vector<attn::Method> parsed;
  std::vector<std::string> errors;
  parse_methods(request.attention.methods, parsed, errors);
  check_masks(parsed, request_spec(request, {}).mask, errors);
  result.methods.assign(parsed.size(), MethodResult{});
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    result.methods[k].spec = request.attention.methods[k];
    result.methods[k].error = errors[k];
  }
  // No matrices on this path (a reused buffer may still hold a dense run's).
  result.scores_clean = attn::MatF();
  result.scores_perturbed = attn::MatF();
  result.has_reference = false;
  auto inputs = std::make_shared<StreamingInputs>();
  inputs->vectors = engine_vectors<float>(*request.data);
  const attn::Index n = inputs->vectors.queries.rows(), m = inputs->vectors.key_vectors().rows();
  inputs->perturbation = make_perturbation(request.noise, n, m);
  result.expected_shift = expected_shift_of(request, inputs->vectors.self_attention(), inputs->vectors.dimension());
  result.perturbed = !inputs->perturbation.is_identity();

  attn::Vectors<float> first;
  first.queries = inputs->vectors.queries.topRows(std::min(n, kChartMaxQueries));
  first.keys = inputs->vectors.key_vectors();
  attn::Perturbation first_perturbation = inputs->perturbation;
  if (!first_perturbation.row_shifts.empty())
    first_perturbation.row_shifts.resize(static_cast<std::size_t>(first.queries.rows()));
  const attn::Index first_rows = first.queries.rows();
  const attn::AttentionSpec base = spec_for_first_rows(request_spec(request, {}), first_rows);
  const attn::MatF scores = attn::compute_scores(first, base);
  const auto [lo, hi] = finite_range(finite_extent(scores), finite_extent(scores));
  result.score_histogram = histogram_of(scores, lo, hi, kHistogramBins);
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    check(cancel);
    progress(static_cast<double>(k) / static_cast<double>(parsed.size()), "first rows");
    inputs->specs.push_back(request_spec(request, parsed[k]));
    MethodResult& r = result.methods[k];
    if (!r.error.empty()) continue;
    r.ratio_form = parsed[k].is_ratio_form();
    if (r.ratio_form) r.curve = curve_of(parsed[k], lo, hi);
    if (!parsed[k].is_row_wise()) continue;  // needs every column: the overview says why
    r.error = attn::perturbation_refusal(inputs->specs.back(), inputs->perturbation);
    if (!r.error.empty()) continue;
    const attn::AttentionSpec first_spec = spec_for_first_rows(inputs->specs.back(), first_rows);
    r.deviation = attn::compare_weights(attn::compute_weights(first, first_spec),
                                        attn::compute_weights(first, first_spec, first_perturbation));
  }
  result.streaming = std::move(inputs);
}

template <class T>
std::shared_ptr<const InvarianceChart> chart_in(const ComputeRequest& request, const std::atomic<bool>* cancel) {
  const LoadedData& data = *request.data;
  auto chart = std::make_shared<InvarianceChart>();
  chart->clean_generation = request.clean_generation;
  chart->total_rows = data.queries.rows();
  chart->rows = std::min<attn::Index>(data.queries.rows(), kChartMaxQueries);
  const attn::Vectors<T> vectors = engine_vectors<T>(data, kChartMaxQueries);
  chart->shifts = log_spaced(request.chart_shift_min, request.chart_shift_max, kChartShifts);
  std::vector<attn::Method> parsed, usable;
  std::vector<std::string> errors;
  parse_methods(request.attention.methods, parsed, errors);
  const attn::AttentionSpec base = make_attention_spec(request.attention, request.centre, {});
  check_masks(parsed, base.mask, errors);
  attn::Perturbation shifted;
  shifted.shift = 1.0;
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    if (!errors[k].empty()) continue;
    attn::AttentionSpec spec = base;
    spec.method = parsed[k];
    if (const std::string refusal = attn::perturbation_refusal(spec, shifted); !refusal.empty()) {
      chart->omitted.push_back(refusal);  // a method that takes no score: no shift reaches it
      continue;
    }
    usable.push_back(parsed[k]);
    chart->curves.push_back({request.attention.methods[k], k, {}, {}});
  }
  attn::ProgressReporter progress;
  progress.cancel = cancel;
  const auto rows = attn::invariance_sweep(vectors, spec_for_first_rows(request_spec(request, {}), chart->rows), usable,
                                           chart->shifts, progress);
  for (std::size_t u = 0; u < usable.size(); ++u) {
    for (std::size_t s = 0; s < chart->shifts.size(); ++s) {
      const attn::Deviation& d = rows[u * chart->shifts.size() + s].deviation;
      chart->curves[u].max_abs_diff.push_back(d.compared_rows > 0 ? d.max_abs_diff
                                                                  : std::numeric_limits<double>::quiet_NaN());
      chart->curves[u].undefined_rows.push_back(d.undefined_rows);
    }
  }
  return chart;
}

}  // namespace

ComputeStages::ComputeStages() : clean_(std::make_unique<CleanStage>()) {}
ComputeStages::~ComputeStages() = default;

void ComputeStages::release_clean_stage() {
  const std::uint64_t made = clean_->versions_made;  // versions stay unique: buffers remember them
  clean_ = std::make_unique<CleanStage>();
  clean_->versions_made = made;
}

ComputeStages::Buffer& ComputeStages::free_buffer() {
  for (Buffer& b : buffers_) {
    if (b.result.use_count() == 1) return b;  // nobody else holds it: overwrite in place
  }
  if (buffers_.size() < kResultBuffers) {
    buffers_.push_back({std::make_shared<ComputeResult>(), 0});
    return buffers_.back();
  }
  // Every buffer is still held (the UI keeps old results a little longer): replace one; its
  // holders keep theirs alive.
  Buffer& b = buffers_[next_replaced_++ % buffers_.size()];
  b = {std::make_shared<ComputeResult>(), 0};
  return b;
}

std::shared_ptr<const ComputeResult> ComputeStages::run(const ComputeRequest& request, std::uint64_t generation,
                                                        const std::atomic<bool>* cancel, const Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  Buffer& buffer = free_buffer();
  ComputeResult& r = *buffer.result;
  r.generation = generation;
  r.clean_generation = request.clean_generation;
  r.data = request.data;
  r.weights_only = request.data->weights_only;
  r.use_double = request.attention.use_double;
  r.queries = request.data->query_count();
  r.keys = request.data->key_count();
  r.dimension = request.data->dimension();
  r.versus_reference = request.versus_reference;
  r.mask_setting = request.attention.mask;
  r.path = r.weights_only ? ComputePath::Dense : choose_compute_path("the data", r.queries, r.keys);
  r.streaming.reset();

  try {
    run_stages(request, r, buffer, cancel, progress);
  } catch (const attn::InputError& e) {
    throw attn::InputError(naming_source(*request.data, e.what()));  // the streamed head's errors name the file
  }
  r.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return buffer.result;
}

void ComputeStages::run_stages(const ComputeRequest& request, ComputeResult& r, Buffer& buffer,
                               const std::atomic<bool>* cancel, const Progress& progress) {
  if (r.weights_only) {
    results_for_weight_files(request, r);
    buffer.clean_version = 0;
  } else if (r.path == ComputePath::Streaming) {
    r.use_double = false;   // streamed in float32
    release_clean_stage();  // the dense matrices of an earlier, smaller input
    compute_streaming(request, r, cancel, progress);
    buffer.clean_version = 0;
    ++counts_.perturbed;
  } else {
    CleanStage& c = *clean_;
    // A request without a clean generation (0) always computes its clean stage.
    if (c.version == 0 || request.clean_generation == 0 || c.request_generation != request.clean_generation) {
      if (request.attention.use_double) {
        compute_clean<double>(request, c, cancel, progress);
      } else {
        compute_clean<float>(request, c, cancel, progress);
      }
      ++counts_.clean;
    }
    if (buffer.clean_version != c.version) {
      copy_clean_parts(c, r);
      buffer.clean_version = c.version;
    }
    if (request.attention.use_double) {
      compute_perturbed<double>(request, c, r, cancel, progress);
    } else {
      compute_perturbed<float>(request, c, r, cancel, progress);
    }
    ++counts_.perturbed;
  }
}

std::shared_ptr<const InvarianceChart> compute_invariance_chart(const ComputeRequest& request,
                                                                const std::atomic<bool>* cancel) {
  if (request.data->weights_only) {
    auto empty = std::make_shared<InvarianceChart>();  // nothing to shift: the panel says so
    empty->clean_generation = request.clean_generation;
    return empty;
  }
  return request.attention.use_double ? chart_in<double>(request, cancel) : chart_in<float>(request, cancel);
}

}  // namespace ax
