#include "attn/experiments/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <type_traits>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"

namespace attn {
namespace {

// Experiments hold one weight matrix per method and running draw; beyond this many bytes per
// batch they run one draw at a time with parallel tiles instead of several draws at once.
constexpr double kBatchBytesBudget = 256.0 * 1024 * 1024;
constexpr Index kDrawsPerBatch = 8;

AttentionSpec base_spec(ScoreKind score, double alpha, Mask mask) {
  AttentionSpec spec;
  spec.score = score;
  spec.alpha = alpha;
  spec.mask = mask;
  return spec;
}

AttentionSpec with_method(AttentionSpec spec, const Method& method) {
  spec.method = method;
  return spec;
}

// Runs task(i) for i in [0, count): in parallel across tasks when there are enough of them,
// otherwise one at a time so each task's own tiles use the cores. Same bits either way.
void run_tasks(Index count, bool tasks_are_large, const std::function<void(Index)>& task) {
  if (!tasks_are_large && count >= thread_count()) {
    parallel_for(count, task);
  } else {
    for (Index i = 0; i < count; ++i) task(i);
  }
}

double deviation_or_nan(const Weights<double>& a, const Weights<double>& b) {
  const Deviation d = compare_weights(a, b);
  return d.compared_rows > 0 ? d.max_abs_diff : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

Summary summarize(std::span<const double> values) {
  Summary s;
  if (values.empty()) {  // no draw measured anything (every row undefined): no number
    s.mean = s.stddev = s.min = s.max = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  double sum = 0.0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  if (values.size() > 1 && std::isfinite(s.mean)) {
    double sq = 0.0;
    for (double v : values) sq += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(sq / static_cast<double>(values.size() - 1));
  } else if (!std::isfinite(s.mean)) {
    s.stddev = std::numeric_limits<double>::quiet_NaN();
  }
  return s;
}

template <class T>
std::vector<InvarianceResult> invariance_sweep(const Vectors<T>& vectors, ScoreKind score, double alpha, Mask mask,
                                               std::span<const Method> methods, std::span<const double> shifts) {
  return invariance_sweep(vectors, base_spec(score, alpha, mask), methods, shifts);
}

template <class T>
std::vector<InvarianceResult> invariance_sweep(const Vectors<T>& vectors, const AttentionSpec& base,
                                               std::span<const Method> methods, std::span<const double> shifts,
                                               const ProgressReporter& progress) {
  validate_vectors(vectors);
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows();
  check_matrix_size(n, m, "weight matrix");
  std::vector<Weights<T>> clean(methods.size());
  for (std::size_t k = 0; k < methods.size(); ++k) {
    if (progress.cancel && progress.cancel->load()) throw Cancelled();
    clean[k] = compute_weights(vectors, with_method(base, methods[k]));
  }
  const Index count = static_cast<Index>(methods.size() * shifts.size());
  std::mutex progress_mutex;
  int done = 0;
  std::vector<InvarianceResult> results(static_cast<std::size_t>(count));
  const bool large = static_cast<double>(n) * static_cast<double>(m) * sizeof(T) * thread_count() > kBatchBytesBudget;
  run_tasks(count, large || n >= 256, [&](Index t) {
    const std::size_t k = static_cast<std::size_t>(t) / shifts.size();
    const std::size_t s = static_cast<std::size_t>(t) % shifts.size();
    if (progress.cancel && progress.cancel->load()) throw Cancelled();
    Perturbation p;
    p.shift = shifts[s];
    const Weights<T> shifted = compute_weights(vectors, with_method(base, methods[k]), p);
    results[static_cast<std::size_t>(t)] = {methods[k].spec(), shifts[s], compare_weights(clean[k], shifted)};
    std::lock_guard<std::mutex> lock(progress_mutex);
    ++done;
    if (progress.on_progress) progress.on_progress(done, static_cast<int>(count));
  });
  return results;
}

namespace {

// The row masses of the defined rows.
void record_row_masses(const Weights<double>& w, ShiftResponse& out) {
  out.min_row_mass = std::numeric_limits<double>::infinity();
  out.max_row_mass = -out.min_row_mass;
  for (Index i = 0; i < w.matrix.rows(); ++i) {
    if (!w.defined(i)) continue;
    out.min_row_mass = std::min(out.min_row_mass, w.matrix.row(i).sum());
    out.max_row_mass = std::max(out.max_row_mass, w.matrix.row(i).sum());
  }
}

// Feature maps take vectors: the shifts go in as a perturbation.
ShiftResponse probe_feature_map(const Method& method, const std::vector<double>& row_shifts,
                                const std::vector<double>& column_shifts, Rng& rng) {
  Vectors<double> v;
  v.queries = MatD(row_shifts.size(), 8);
  v.keys = MatD(column_shifts.size(), 8);
  for (Index k = 0; k < v.queries.size(); ++k) v.queries.data()[k] = 0.5 * rng.normal();
  for (Index k = 0; k < v.keys->size(); ++k) v.keys->data()[k] = 0.5 * rng.normal();
  AttentionSpec spec;
  spec.score = ScoreKind::Dot;
  spec.method = method;
  ShiftResponse out;
  const Weights<double> base = compute_weights(v, spec);
  record_row_masses(base, out);
  auto shifted = [&](Perturbation p) {
    try {
      return deviation_or_nan(base, compute_weights(v, spec, p));
    } catch (const UsageError& e) {
      if (out.refused.empty()) out.refused = e.what();
      return std::numeric_limits<double>::quiet_NaN();
    }
  };
  Perturbation constant, rows, columns;
  constant.shift = 1.0;
  rows.row_shifts = row_shifts;
  columns.column_shifts = column_shifts;
  out.constant = shifted(constant);
  out.per_row = shifted(rows);
  out.per_column = shifted(columns);
  return out;
}

}  // namespace

ShiftResponse probe_shift_response(const Method& method) {
  constexpr Index kSize = 16;
  Rng rng(20240607);
  MatD scores(kSize, kSize);
  for (Index i = 0; i < kSize; ++i) {
    for (Index j = 0; j < kSize; ++j) scores(i, j) = 0.5 + rng.normal();
  }
  std::vector<double> row_shifts(kSize), column_shifts(kSize);
  for (double& r : row_shifts) r = 0.5 + rng.uniform();
  for (double& c : column_shifts) c = 0.5 + rng.uniform();
  if (method.is_feature_map()) return probe_feature_map(method, row_shifts, column_shifts, rng);
  MatD row_shifted = scores, column_shifted = scores;
  for (Index i = 0; i < kSize; ++i) row_shifted.row(i).array() += row_shifts[static_cast<std::size_t>(i)];
  for (Index j = 0; j < kSize; ++j) column_shifted.col(j).array() += column_shifts[static_cast<std::size_t>(j)];

  ShiftResponse out;
  out.mask = method.needs_causal_mask() ? Mask::Causal : Mask::None;
  const Weights<double> base = weights_from_scores(scores, method, out.mask);
  record_row_masses(base, out);
  out.constant = deviation_or_nan(base, weights_from_scores<double>(scores.array() + 1.0, method, out.mask));
  out.per_row = deviation_or_nan(base, weights_from_scores(row_shifted, method, out.mask));
  out.per_column = deviation_or_nan(base, weights_from_scores(column_shifted, method, out.mask));
  return out;
}

template <class T>
NoiseStudyResult noise_study(const Vectors<T>& vectors, ScoreKind score, double alpha, Mask mask,
                             std::span<const Method> methods, const NoiseStudyConfig& config,
                             const ProgressReporter& progress) {
  return noise_study(vectors, base_spec(score, alpha, mask), methods, config, progress);
}

template <class T>
NoiseStudyResult noise_study(const Vectors<T>& vectors, const AttentionSpec& base, std::span<const Method> methods,
                             const NoiseStudyConfig& config, const ProgressReporter& progress) {
  validate_vectors(vectors);
  if (config.draws < 1) throw UsageError("the noise study needs at least one draw");
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows();
  check_matrix_size(n, m, "weight matrix");
  const std::size_t method_count = methods.size();

  std::vector<Weights<T>> clean(method_count);
  for (std::size_t k = 0; k < method_count; ++k) {
    clean[k] = compute_weights(vectors, with_method(base, methods[k]));
  }
  // KL in float64: float32 weights of exp underflow to exact zeros far from the row maximum, and a
  // zero where the clean row is positive would make KL infinite. In float64 an infinity means a
  // weight that is really zero (relu, sparsemax), not one too small for a float.
  constexpr bool kl_in_double = std::is_same_v<T, float>;
  std::vector<Weights<double>> clean_double(kl_in_double ? method_count : 0);
  if constexpr (kl_in_double) {
    const Vectors<double> wide = vectors.template cast<double>();
    for (std::size_t k = 0; k < method_count; ++k)
      clean_double[k] = compute_weights(wide, with_method(base, methods[k]));
  }

  // Per method: every draw's deviation, and the running sum of the perturbed weights over the
  // draws in which each row is defined (for the bias).
  const std::size_t draws = static_cast<std::size_t>(config.draws);
  std::vector<std::vector<Deviation>> deviations(method_count, std::vector<Deviation>(draws));
  std::vector<MatD> weight_sums(method_count, MatD::Zero(n, m));
  std::vector<std::vector<int>> defined_counts(method_count, std::vector<int>(static_cast<std::size_t>(n), 0));

  const double bytes_per_draw =
      static_cast<double>(n) * static_cast<double>(m) * sizeof(T) * static_cast<double>(method_count);
  const bool large = bytes_per_draw * kDrawsPerBatch > kBatchBytesBudget || n >= 256;
  const Index batch = large ? 1 : kDrawsPerBatch;

  std::mutex progress_mutex;
  int done = 0;
  for (std::size_t first = 0; first < draws; first += static_cast<std::size_t>(batch)) {
    if (progress.cancel && progress.cancel->load()) throw Cancelled();
    const Index in_batch = std::min<Index>(batch, static_cast<Index>(draws - first));
    std::vector<std::vector<Weights<T>>> perturbed(static_cast<std::size_t>(in_batch));
    run_tasks(in_batch, large, [&](Index b) {
      if (progress.cancel && progress.cancel->load()) throw Cancelled();
      const std::size_t draw = first + static_cast<std::size_t>(b);
      Perturbation p;
      p.global_rms = config.global_rms;
      p.local_rms = config.local_rms;
      p.noise_target = config.target;
      p.seed = config.seed;
      p.draw = draw;
      // Draw the noisy vectors once and share them across methods.
      const Vectors<T> noisy = apply_vector_noise(vectors, p);
      auto& mine = perturbed[static_cast<std::size_t>(b)];
      mine.resize(method_count);
      std::optional<Vectors<double>> noisy_double;
      if constexpr (kl_in_double) noisy_double = noisy.template cast<double>();
      for (std::size_t k = 0; k < method_count; ++k) {
        mine[k] = compute_weights(noisy, with_method(base, methods[k]));
        deviations[k][draw] = compare_weights(clean[k], mine[k]);
        if constexpr (kl_in_double) {
          deviations[k][draw].mean_kl =
              compare_weights(clean_double[k], compute_weights(*noisy_double, with_method(base, methods[k]))).mean_kl;
        }
      }
      std::lock_guard<std::mutex> lock(progress_mutex);
      ++done;
      if (progress.on_progress) progress.on_progress(done, config.draws);
    });
    // Accumulate in draw order so the sums do not depend on scheduling.
    for (Index b = 0; b < in_batch; ++b) {
      for (std::size_t k = 0; k < method_count; ++k) {
        const Weights<T>& w = perturbed[static_cast<std::size_t>(b)][k];
        for (Index i = 0; i < n; ++i) {
          if (!w.defined(i)) continue;
          weight_sums[k].row(i) += w.matrix.row(i).template cast<double>();
          ++defined_counts[k][static_cast<std::size_t>(i)];
        }
      }
    }
  }

  NoiseStudyResult result;
  result.draws = config.draws;
  result.expected_shift = expected_score_shift(base.score, config.global_rms, config.local_rms, config.target,
                                               vectors.self_attention(), static_cast<long>(vectors.dimension()));
  for (std::size_t k = 0; k < method_count; ++k) {
    NoiseStudyRow row;
    row.method = methods[k].spec();
    std::vector<double> max_abs, tv, kl, frob;
    for (const Deviation& d : deviations[k]) {
      row.undefined_rows += d.undefined_rows;
      if (d.compared_rows == 0) continue;  // a draw with no defined row measures nothing
      max_abs.push_back(d.max_abs_diff);
      tv.push_back(d.mean_tv);
      kl.push_back(d.mean_kl);
      frob.push_back(d.frobenius);
    }
    row.max_abs_diff = summarize(max_abs);
    row.mean_tv = summarize(tv);
    row.mean_kl = summarize(kl);
    row.frobenius = summarize(frob);
    double bias_sum = 0.0;
    Index bias_rows = 0;
    for (Index i = 0; i < n; ++i) {
      const int count = defined_counts[k][static_cast<std::size_t>(i)];
      if (count == 0 || !clean[k].defined(i)) continue;
      const Eigen::RowVectorXd mean_row = weight_sums[k].row(i) / static_cast<double>(count);
      bias_sum += 0.5 * (mean_row - clean[k].matrix.row(i).template cast<double>()).cwiseAbs().sum();
      ++bias_rows;
    }
    row.bias_tv = bias_rows > 0 ? bias_sum / static_cast<double>(bias_rows) : std::numeric_limits<double>::quiet_NaN();
    result.rows.push_back(std::move(row));
  }
  return result;
}

template std::vector<InvarianceResult> invariance_sweep(const Vectors<float>&, const AttentionSpec&,
                                                        std::span<const Method>, std::span<const double>,
                                                        const ProgressReporter&);
template std::vector<InvarianceResult> invariance_sweep(const Vectors<double>&, const AttentionSpec&,
                                                        std::span<const Method>, std::span<const double>,
                                                        const ProgressReporter&);
template NoiseStudyResult noise_study(const Vectors<float>&, const AttentionSpec&, std::span<const Method>,
                                      const NoiseStudyConfig&, const ProgressReporter&);
template NoiseStudyResult noise_study(const Vectors<double>&, const AttentionSpec&, std::span<const Method>,
                                      const NoiseStudyConfig&, const ProgressReporter&);
template std::vector<InvarianceResult> invariance_sweep(const Vectors<float>&, ScoreKind, double, Mask,
                                                        std::span<const Method>, std::span<const double>);
template std::vector<InvarianceResult> invariance_sweep(const Vectors<double>&, ScoreKind, double, Mask,
                                                        std::span<const Method>, std::span<const double>);
template NoiseStudyResult noise_study(const Vectors<float>&, ScoreKind, double, Mask, std::span<const Method>,
                                      const NoiseStudyConfig&, const ProgressReporter&);
template NoiseStudyResult noise_study(const Vectors<double>&, ScoreKind, double, Mask, std::span<const Method>,
                                      const NoiseStudyConfig&, const ProgressReporter&);

}  // namespace attn
