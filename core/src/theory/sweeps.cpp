#include "attn/theory/sweeps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/attention.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

using detail::require_non_negative;
using detail::require_positive_count;

// Random-number purposes of the sweeps (the `substream` of attn::Rng).
constexpr std::uint64_t kQuerySet = 1;
constexpr std::uint64_t kKeySet = 2;

// Mean entropy and mean largest weight over the defined rows (NaN when none is defined).
struct RowAverages {
  double entropy = 0.0;
  double max_weight = 0.0;
};

RowAverages row_averages(const Weights<double>& w) {
  double entropy = 0.0, max_weight = 0.0;
  Index defined = 0;
  for (Index i = 0; i < w.matrix.rows(); ++i) {
    if (!w.defined(i)) continue;
    const RowSummary row = summarize_row(w, i);
    entropy += row.entropy;
    max_weight += row.max_weight;
    ++defined;
  }
  if (defined == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  return {entropy / static_cast<double>(defined), max_weight / static_cast<double>(defined)};
}

// ---- Dot against distance ----

// The data of one dimension comes from (seed, d, role) only.
MatD sweep_points(DatasetKind kind, Index n, Index d, std::uint64_t seed, std::uint64_t role) {
  Rng rng(seed, static_cast<std::uint64_t>(d), role);
  return generate_dataset(kind, n, d, rng.next_u64()).points;
}

Deviation dot_against_distance(const Vectors<double>& v, double alpha) {
  AttentionSpec dot;
  dot.score = ScoreKind::Dot;
  dot.alpha = alpha;
  AttentionSpec distance = dot;
  distance.score = ScoreKind::NegSqDist;
  return compare_weights(compute_weights(v, dot), compute_weights(v, distance));
}

DimensionPoint dimension_point(DatasetKind kind, Index n, Index d, std::uint64_t seed) {
  Vectors<double> v;
  v.queries = sweep_points(kind, n, d, seed, kQuerySet);
  v.keys = sweep_points(kind, n, d, seed, kKeySet);
  const double dd = static_cast<double>(d);
  const Deviation scaled = dot_against_distance(v, 1.0 / std::sqrt(dd));
  DimensionPoint point;
  point.dimension = d;
  point.mean_tv = scaled.mean_tv;
  point.max_abs_diff = scaled.max_abs_diff;
  point.mean_tv_inverse_d = dot_against_distance(v, 1.0 / dd).mean_tv;
  return point;
}

// ---- Sequence length ----

LengthPoint length_point(Index n, double score_sd, Index rows, std::uint64_t seed, const Method& method) {
  check_matrix_size(rows, n, "score matrix");
  MatD scores(rows, n);
  // One generator per row, keyed by (length, row): the same numbers on any thread count.
  parallel_for(rows, [&](Index r) {
    Rng rng(seed, static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(r));
    for (Index j = 0; j < n; ++j) scores(r, j) = score_sd * rng.normal();
  });
  const RowAverages averages = row_averages(weights_from_scores(std::move(scores), method));
  return {n, averages.max_weight, averages.entropy};
}

// ---- Maximum entropy ----

// A probability vector over the keys with its expected score.
struct Candidate {
  Vec<double> q;
  double mean_score = 0.0;
};

double expected_score(const Vec<double>& q, const Vec<double>& s) { return q.dot(s); }

double entropy_of(const Vec<double>& q) {
  double h = 0.0;
  for (Index j = 0; j < q.size(); ++j) {
    if (q(j) > 0.0) h -= q(j) * std::log(q(j));
  }
  return h;
}

// r ~ exp(b s + c z): b in [-1, 3) tilts towards low or high scores (b = 1, c = 0 is p itself),
// c in [0, 2) adds noise that no tilt explains.
Candidate random_tilt(const Vec<double>& s, Rng& rng) {
  const double b = -1.0 + 4.0 * rng.uniform();
  const double c = 2.0 * rng.uniform();
  Vec<double> logits(s.size());
  for (Index j = 0; j < s.size(); ++j) logits(j) = b * s(j) + c * rng.normal();
  Vec<double> r = (logits.array() - logits.maxCoeff()).exp().matrix();
  r /= r.sum();
  return {r, expected_score(r, s)};
}

Candidate point_mass(const Vec<double>& s, Index j) {
  Vec<double> q = Vec<double>::Zero(s.size());
  q(j) = 1.0;
  return {q, s(j)};
}

// A random q with expected score `target`: the mixture of one random distribution below the
// target and one above it. The point masses on the lowest and highest score bracket any target
// and are the fallback when the random draws do not.
Vec<double> random_q_with_mean(const Vec<double>& s, double target, Rng& rng) {
  constexpr int kAttempts = 32;
  std::optional<Candidate> below, above;
  for (int attempt = 0; attempt < kAttempts && !(below && above); ++attempt) {
    Candidate c = random_tilt(s, rng);
    if (!below && c.mean_score <= target) {
      below = std::move(c);
    } else if (!above && c.mean_score >= target) {
      above = std::move(c);
    }
  }
  Index lowest = 0, highest = 0;
  s.minCoeff(&lowest);
  s.maxCoeff(&highest);
  if (!below) below = point_mass(s, lowest);
  if (!above) above = point_mass(s, highest);
  const double gap = above->mean_score - below->mean_score;
  // Equal means (all scores equal, up to rounding): either candidate already has the target.
  const double t = gap > 0.0 ? std::clamp((above->mean_score - target) / gap, 0.0, 1.0) : 1.0;
  return t * below->q + (1.0 - t) * above->q;
}

}  // namespace

std::vector<DimensionPoint> dot_vs_distance_sweep(DatasetKind kind, Index n, std::span<const Index> dimensions,
                                                  std::uint64_t seed) {
  if (dimensions.empty()) throw UsageError("the dimension sweep needs at least one dimension");
  require_positive_count(n, "the number of vectors");
  for (Index d : dimensions) require_positive_count(d, "every dimension");
  std::vector<DimensionPoint> out;
  out.reserve(dimensions.size());
  for (Index d : dimensions) out.push_back(dimension_point(kind, n, d, seed));
  return out;
}

std::vector<NormConcentrationPoint> norm_concentration_sweep(Index n, std::span<const Index> dimensions,
                                                             std::uint64_t seed) {
  if (dimensions.empty()) throw UsageError("the concentration sweep needs at least one dimension");
  if (n < 2) throw UsageError("the concentration sweep needs at least two vectors (got " + std::to_string(n) + ")");
  for (Index d : dimensions) require_positive_count(d, "every dimension");
  auto sd = [](const std::vector<double>& v) {
    double mean = 0.0, ss = 0.0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    for (double x : v) ss += (x - mean) * (x - mean);
    return std::pair{mean, std::sqrt(ss / static_cast<double>(v.size() - 1))};
  };
  std::vector<NormConcentrationPoint> out;
  for (Index d : dimensions) {
    const MatD x = sweep_points(DatasetKind::Gaussian, n, d, seed, kQuerySet);
    std::vector<double> norms, dots;
    for (Index i = 0; i < n; ++i) {
      norms.push_back(x.row(i).squaredNorm());
      for (Index j = i + 1; j < n; ++j) dots.push_back(x.row(i).dot(x.row(j)));
    }
    const auto [mean, spread] = sd(norms);
    NormConcentrationPoint point;
    point.dimension = d;
    point.relative_spread = spread / mean;
    point.logit_spread = spread / (2.0 * std::sqrt(static_cast<double>(d)));
    point.dot_spread = sd(dots).second;
    out.push_back(point);
  }
  return out;
}

std::vector<LengthPoint> sequence_length_sweep(std::span<const Index> lengths, double score_sd, Index rows,
                                               std::uint64_t seed, const Method& method) {
  if (lengths.empty()) throw UsageError("the sequence-length sweep needs at least one length");
  for (Index n : lengths) require_positive_count(n, "every sequence length");
  require_positive_count(rows, "the number of rows");
  require_non_negative(score_sd, "the score standard deviation");
  std::vector<LengthPoint> out;
  out.reserve(lengths.size());
  for (Index n : lengths) out.push_back(length_point(n, score_sd, rows, seed, method));
  return out;
}

std::vector<TemperaturePoint> temperature_sweep(const MatD& x, std::span<const double> alphas, bool scaled_dot) {
  AttentionSpec spec;
  spec.score = scaled_dot ? ScoreKind::ScaledDot : ScoreKind::Dot;
  return temperature_sweep(x, alphas, spec);
}

std::vector<TemperaturePoint> temperature_sweep(const MatD& x, std::span<const double> alphas,
                                                const AttentionSpec& base) {
  detail::require_finite_points(x, "temperature sweep");
  if (alphas.empty()) throw UsageError("the temperature sweep needs at least one alpha");
  for (double alpha : alphas) {
    if (!std::isfinite(alpha)) throw UsageError("every alpha must be a finite number");
  }
  Vectors<double> v;
  v.queries = x;
  AttentionSpec spec = base;
  std::vector<TemperaturePoint> out;
  out.reserve(alphas.size());
  for (double alpha : alphas) {
    spec.alpha = alpha;
    const RowAverages averages = row_averages(compute_weights(v, spec));
    out.push_back({alpha, averages.entropy, averages.max_weight});
  }
  return out;
}

MaxEntropyCheck max_entropy_check(std::span<const double> scores, int trials, std::uint64_t seed) {
  if (scores.empty()) throw InputError("the maximum-entropy check needs at least one score");
  for (std::size_t j = 0; j < scores.size(); ++j) {
    if (!std::isfinite(scores[j])) {
      throw InputError("score " + std::to_string(j) + " is not a finite number");
    }
  }
  require_positive_count(trials, "the number of trials");
  const Index m = static_cast<Index>(scores.size());
  const Vec<double> s = Eigen::Map<const Vec<double>>(scores.data(), m);
  const Weights<double> p = weights_from_scores<double>(s.transpose(), Method{});
  const Vec<double> p_row = p.matrix.row(0).transpose();
  const double target = expected_score(p_row, s);

  // Trial t is drawn from (seed, t) and writes only its own slots.
  std::vector<double> entropies(static_cast<std::size_t>(trials)), mismatches(static_cast<std::size_t>(trials));
  parallel_for(trials, [&](Index t) {
    Rng rng(seed, static_cast<std::uint64_t>(t));
    const Vec<double> q = random_q_with_mean(s, target, rng);
    entropies[static_cast<std::size_t>(t)] = entropy_of(q);
    mismatches[static_cast<std::size_t>(t)] = std::abs(expected_score(q, s) - target);
  });

  MaxEntropyCheck out;
  out.softmax_entropy = summarize_row(p, 0).entropy;
  out.best_other_entropy = *std::max_element(entropies.begin(), entropies.end());
  out.worst_mean_mismatch = *std::max_element(mismatches.begin(), mismatches.end());
  out.trials = trials;
  return out;
}

}  // namespace attn
