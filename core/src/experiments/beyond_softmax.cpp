#include "attn/experiments/beyond_softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/feature_maps.hpp"

namespace attn {
namespace {

AttentionSpec with_method(AttentionSpec spec, const Method& method) {
  spec.method = method;
  return spec;
}

Method performer(Index features, std::uint64_t seed) {
  Method m = parse_method("performer:" + std::to_string(features));
  m.seed = seed;
  return m;
}

// log of the kernel phi(a_i).phi(b_j) of one draw, with the features' offsets put back.
MatD log_kernel(const FeatureMaps<double>& f) {
  MatD out = (f.queries * f.keys.transpose()).array().log().matrix();
  out.colwise() += f.query_log_offset;
  out.array() += f.key_log_offset;
  return out;
}

// Rows of exp(L) normalised, from log-kernels L (max-subtracted per row).
MatD normalised_rows(const MatD& log_values) {
  MatD out = log_values;
  out.colwise() -= out.rowwise().maxCoeff();
  out = out.array().exp().matrix();
  out.array().colwise() /= out.rowwise().sum().array();
  return out;
}

// Running log-sum-exp of log-kernels over draws, elementwise.
void accumulate_log(MatD& total, const MatD& next) {
  if (total.size() == 0) {
    total = next;
    return;
  }
  const MatD top = total.cwiseMax(next);
  total = top.array() + ((total - top).array().exp() + (next - top).array().exp()).log();
}

void add_row(SinkGroup& group, const Eigen::RowVectorXd& row) {
  const double mass = row.sum();
  ++group.rows;
  group.key0_mass += row(0);
  group.row_mass += mass;
  group.declined += 1.0 - mass;
  if (mass > 0.0) group.key0_share += row(0) / mass;
}

void finish(SinkGroup& group) {
  if (group.rows == 0) return;
  const double n = static_cast<double>(group.rows);
  group.key0_mass /= n;
  group.row_mass /= n;
  group.declined /= n;
  group.key0_share /= n;
}

}  // namespace

template <class T>
std::vector<FeatureErrorPoint> random_feature_error(const Vectors<T>& vectors, const AttentionSpec& base,
                                                    std::span<const Index> feature_counts, int seeds,
                                                    std::uint64_t seed) {
  if (seeds < 1) throw UsageError("the random-feature error needs at least one seed");
  const Weights<T> exact = compute_weights(vectors, with_method(base, Method{}));
  std::vector<FeatureErrorPoint> out;
  for (Index features : feature_counts) {
    std::vector<double> max_abs, tv;
    for (int k = 0; k < seeds; ++k) {
      const Deviation d = compare_weights(
          exact,
          compute_weights(vectors, with_method(base, performer(features, seed + static_cast<std::uint64_t>(k)))));
      max_abs.push_back(d.max_abs_diff);
      tv.push_back(d.mean_tv);
    }
    out.push_back({features, summarize(max_abs), summarize(tv)});
  }
  return out;
}

FeatureShiftResult random_feature_shift(const Vectors<double>& vectors, const AttentionSpec& base, Index features,
                                        double shift, int draws, std::uint64_t seed) {
  if (draws < 1) throw UsageError("the random-feature shift study needs at least one draw");
  FeatureShiftResult out;
  out.shift = shift;
  out.features = features;
  Perturbation shifted;
  shifted.shift = shift;
  const AttentionSpec softmax = with_method(base, Method{});
  out.softmax =
      compare_weights(compute_weights(vectors, softmax), compute_weights(vectors, softmax, shifted)).max_abs_diff;

  std::vector<double> one_draw(static_cast<std::size_t>(draws));
  MatD sum_clean, sum_shifted;  // log of the summed kernels over the draws so far
  int next_report = 1;
  for (int k = 0; k < draws; ++k) {
    const AttentionSpec spec = with_method(base, performer(features, seed + static_cast<std::uint64_t>(k)));
    const FeatureMaps<double> clean = feature_maps(vectors, spec);
    const FeatureMaps<double> moved = feature_maps(vectors, spec, shifted);
    const MatD log_clean = log_kernel(clean), log_moved = log_kernel(moved);
    one_draw[static_cast<std::size_t>(k)] =
        (normalised_rows(log_moved) - normalised_rows(log_clean)).cwiseAbs().maxCoeff();
    accumulate_log(sum_clean, log_clean);
    accumulate_log(sum_shifted, log_moved);
    if (k + 1 == next_report || k + 1 == draws) {
      out.averaged.push_back(
          {k + 1, (normalised_rows(sum_shifted) - normalised_rows(sum_clean)).cwiseAbs().maxCoeff()});
      while (next_report <= k + 1) next_report *= 4;
    }
  }
  out.one_draw = summarize(one_draw);
  return out;
}

SinkData generate_sink_data(Index n, Index d, std::uint64_t seed, double idle_fraction) {
  if (n < 2 || d < 2) throw UsageError("sink data need n >= 2 and d >= 2");
  Rng rng(seed);
  SinkData out;
  MatD keys(n, d), random_part(n, d);
  for (Index j = 0; j < n; ++j) {
    for (Index k = 0; k < d; ++k) random_part(j, k) = rng.normal();
    keys.row(j) = random_part.row(j);
    keys(j, 0) += 3.0;
  }
  keys.row(0).setZero();                                     // scores 0 with every query: unremarkable
  const double against = std::sqrt(static_cast<double>(d));  // idle scaled-dot scores about -3
  MatD queries = MatD::Zero(n, d);
  out.idle.assign(static_cast<std::size_t>(n), false);
  for (Index i = 0; i < n; ++i) {
    const bool idle = i == 0 || rng.uniform() < idle_fraction;
    out.idle[static_cast<std::size_t>(i)] = idle;
    if (idle) {
      queries(i, 0) = -against;
    } else {
      const Index target = 1 + static_cast<Index>(rng.uniform() * static_cast<double>(i));  // a key 1..i
      queries.row(i) = 0.7 * random_part.row(std::min(target, i));
      queries(i, 0) = 0.0;
    }
  }
  out.vectors.queries = std::move(queries);
  out.vectors.keys = std::move(keys);
  return out;
}

template <class T>
std::vector<SinkRow> sink_study(const Vectors<T>& vectors, const AttentionSpec& base, std::span<const Method> methods,
                                const std::vector<bool>& idle) {
  const Index n = vectors.queries.rows();
  if (!idle.empty() && static_cast<Index>(idle.size()) != n) {
    throw InputError("sink study: " + std::to_string(idle.size()) + " idle flags for " + std::to_string(n) +
                     " queries");
  }
  std::vector<SinkRow> out;
  for (const Method& method : methods) {
    const Weights<T> w = compute_weights(vectors, with_method(base, method));
    SinkRow row;
    row.method = method.spec();
    for (Index i = 0; i < n; ++i) {
      if (!w.defined(i)) {
        ++row.undefined_rows;
        continue;
      }
      const Eigen::RowVectorXd weights = w.matrix.row(i).template cast<double>();
      add_row(row.all, weights);
      if (idle.empty()) continue;
      add_row(idle[static_cast<std::size_t>(i)] ? row.idle : row.seeking, weights);
    }
    finish(row.all);
    finish(row.idle);
    finish(row.seeking);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<LengthCurve> length_study(const AttentionSpec& base, std::span<const Method> methods,
                                      std::span<const Index> lengths, Index dimension, Index queries,
                                      std::uint64_t seed, const ProgressReporter& progress) {
  if (dimension < 1 || queries < 1) throw UsageError("the length study needs dimension >= 1 and queries >= 1");
  std::vector<LengthCurve> out(methods.size());
  for (std::size_t k = 0; k < methods.size(); ++k) out[k].method = methods[k].spec();
  int done = 0;
  for (Index n : lengths) {
    if (n < 1) throw UsageError("the length study needs n >= 1");
    if (progress.cancel && progress.cancel->load()) throw Cancelled();
    Vectors<float> v;
    Rng rng(seed, static_cast<std::uint64_t>(n));
    v.queries.resize(queries, dimension);
    v.keys = Mat<float>(n, dimension);
    for (Index k = 0; k < v.queries.size(); ++k) v.queries.data()[k] = static_cast<float>(rng.normal());
    for (Index k = 0; k < v.keys->size(); ++k) v.keys->data()[k] = static_cast<float>(rng.normal());
    for (std::size_t k = 0; k < methods.size(); ++k) {
      const AttentionSpec spec = with_method(base, methods[k]);
      LengthStudyPoint point;
      point.n = n;
      Index defined = 0;
      for (Index i = 0; i < queries; ++i) {
        const QueryRow<float> row = compute_query_row(v, spec, {}, i);
        if (row.status != RowStatus::Defined) {
          ++point.undefined_rows;
          continue;
        }
        Weights<float> one;
        one.matrix = row.weights.transpose();
        one.rows = {RowStatus::Defined};
        one.rows_sum_to_one = methods[k].rows_sum_to_one();
        const RowSummary summary = summarize_row(one, 0);
        point.max_weight += summary.max_weight;
        point.entropy += summary.entropy;
        point.mass += methods[k].rows_sum_to_one() ? 1.0 : summary.mass;
        ++defined;
      }
      const double count = defined > 0 ? static_cast<double>(defined) : std::numeric_limits<double>::quiet_NaN();
      point.max_weight /= count;
      point.entropy /= count;
      point.mass /= count;
      out[k].points.push_back(point);
    }
    if (progress.on_progress) progress.on_progress(++done, static_cast<int>(lengths.size()));
  }
  return out;
}

template std::vector<FeatureErrorPoint> random_feature_error(const Vectors<float>&, const AttentionSpec&,
                                                             std::span<const Index>, int, std::uint64_t);
template std::vector<FeatureErrorPoint> random_feature_error(const Vectors<double>&, const AttentionSpec&,
                                                             std::span<const Index>, int, std::uint64_t);
template std::vector<SinkRow> sink_study(const Vectors<float>&, const AttentionSpec&, std::span<const Method>,
                                         const std::vector<bool>&);
template std::vector<SinkRow> sink_study(const Vectors<double>&, const AttentionSpec&, std::span<const Method>,
                                         const std::vector<bool>&);

}  // namespace attn
