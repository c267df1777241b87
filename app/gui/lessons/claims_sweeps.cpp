#include "lessons/claims_sweeps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/kernels/scores.hpp"
#include "attn/theory/propagation.hpp"
#include "attn/theory/score_statistics.hpp"
#include "attn/theory/sweeps.hpp"
#include "compute/loaded_data.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

bool strictly(const std::vector<double>& v, bool increasing) {
  for (std::size_t k = 1; k < v.size(); ++k) {
    if (increasing ? !(v[k] > v[k - 1]) : !(v[k] < v[k - 1])) return false;
  }
  return true;
}

ClaimResult sequence_length(const ClaimContext& c, const json& p) {
  std::vector<attn::Index> lengths;
  for (const auto& n : p.at("lengths")) lengths.push_back(n.get<attn::Index>());
  const std::string method = method_of(c, p);
  const auto points = attn::sequence_length_sweep(lengths, p.value("sd", 1.0), p.value("rows", 64),
                                                  p.value("seed", 1ull), attn::parse_method(method));
  Figure weights{method + " of n random scores", "sequence length n", "largest weight", true, true, {}};
  Figure entropy{"row entropy against log n", "sequence length n", "entropy (nats)", true, false, {}};
  FigureSeries largest{"mean largest weight", {}, {}}, uniform{"1/n", {}, {}}, h{"mean entropy", {}, {}},
      log_n{"log n", {}, {}};
  for (const auto& pt : points) {
    const double n = static_cast<double>(pt.length);
    largest.x.push_back(n);
    largest.y.push_back(pt.mean_max_weight);
    uniform.x.push_back(n);
    uniform.y.push_back(1.0 / n);
    h.x.push_back(n);
    h.y.push_back(pt.mean_entropy);
    log_n.x.push_back(n);
    log_n.y.push_back(std::log(n));
  }
  weights.series = {largest, uniform};
  entropy.series = {h, log_n};
  c.out.figures.push_back(weights);
  c.out.figures.push_back(entropy);
  const bool holds = strictly(largest.y, false) && strictly(h.y, true);
  ClaimResult r{holds,
                "largest weight " + number(largest.y.front()) + " -> " + number(largest.y.back()) + ", entropy " +
                    number(h.y.front()) + " -> " + number(h.y.back()) + " nats",
                {}};
  r.values["max_first"] = largest.y.front();
  r.values["max_last"] = largest.y.back();
  r.values["entropy_first"] = h.y.front();
  r.values["entropy_last"] = h.y.back();
  r.values["n_first"] = lengths.front();
  r.values["n_last"] = lengths.back();
  return r;
}

ClaimResult temperature_entropy(const ClaimContext& c, const json& p) {
  const std::vector<double> alphas = sorted_numbers_of(p.at("alphas"), "temperature_entropy");
  const std::string method = method_of(c, p);
  const auto points = attn::temperature_sweep(c.data.queries, alphas, spec_of(c.state, method));
  Figure f{"row entropy against inverse temperature", "alpha", "mean row entropy (nats)", false, false, {}};
  FigureSeries s{method, {}, {}};
  for (const auto& pt : points) {
    s.x.push_back(pt.alpha);
    s.y.push_back(pt.mean_entropy);
  }
  f.series = {s};
  c.out.figures.push_back(f);
  ClaimResult r{strictly(s.y, false),
                "entropy " + number(s.y.front()) + " at alpha " + number(alphas.front()) + " -> " + number(s.y.back()) +
                    " at alpha " + number(alphas.back()),
                {}};
  r.values["entropy_low"] = s.y.front();
  r.values["entropy_high"] = s.y.back();
  r.values["alpha_low"] = alphas.front();
  r.values["alpha_high"] = alphas.back();
  return r;
}

ClaimResult max_entropy(const ClaimContext& c, const json& p) {
  const attn::MatD scores = attn::compute_scores(
      engine_vectors<double>(c.data), attn::parse_score_kind(c.state.attention.score), c.state.attention.alpha);
  const int trials = p.value("trials", 200);
  const std::uint64_t seed = p.value("seed", 1ull);
  // Every row, each with its own draws; the gap is the smallest over rows, the mismatch the largest.
  double min_gap = INFINITY, mismatch = 0.0, scale = 0.0;
  for (attn::Index i = 0; i < scores.rows(); ++i) {
    const std::vector<double> row(scores.row(i).data(), scores.row(i).data() + scores.cols());
    const attn::MaxEntropyCheck check = attn::max_entropy_check(row, trials, seed + static_cast<std::uint64_t>(i));
    min_gap = std::min(min_gap, check.softmax_entropy - check.best_other_entropy);
    mismatch = std::max(mismatch, check.worst_mean_mismatch);
    scale = std::max(scale, scores.row(i).cwiseAbs().maxCoeff());
  }
  // The competitors must really have softmax's expected score: rounding only.
  const double mismatch_limit = 1e-9 * std::max(scale, 1.0);
  char text[240];
  std::snprintf(
      text, sizeof text,
      "%ld rows x %d random q with the same expected score: softmax's entropy exceeds the best by at least %.3g nats; "
      "largest expected-score mismatch %.2g (claim <= %.2g)",
      static_cast<long>(scores.rows()), trials, min_gap, mismatch, mismatch_limit);
  ClaimResult r{min_gap >= 0.0 && mismatch <= mismatch_limit, text, {}};
  r.values["rows"] = scores.rows();
  r.values["trials"] = trials;
  r.values["min_gap"] = min_gap;
  r.values["mismatch"] = mismatch;
  return r;
}

ClaimResult sensitivity(const ClaimContext& c, const json& p) {
  const std::vector<double> alphas = sorted_numbers_of(p.at("alphas"), "sensitivity");
  const double eps = p.value("epsilon", 1e-4);
  const int trials = p.value("trials", 20);
  const std::uint64_t seed = p.value("seed", 1ull);
  Figure f{"sensitivity of one update step", "alpha", "median |dY| / |dX|", true, true, {}};
  FigureSeries series{"score " + c.state.attention.score, {}, {}};
  bool finite = true;
  for (double alpha : alphas) {
    attn::AttentionSpec spec = spec_of(c, p);
    spec.alpha = alpha;
    const double ratio = attn::sensitivity(c.data.queries, spec, eps, trials, seed);
    finite = finite && std::isfinite(ratio);
    series.x.push_back(alpha);
    series.y.push_back(ratio);
  }
  f.series = {series};
  c.out.figures.push_back(f);
  // Smallest against largest alpha (sorted above), whatever order the lesson lists them in.
  ClaimResult r{finite && series.y.back() > series.y.front(),
                "|dY|/|dX| = " + number(series.y.front()) + " at alpha " + number(alphas.front()) + ", " +
                    number(series.y.back()) + " at alpha " + number(alphas.back()),
                {}};
  r.values["ratio_low"] = series.y.front();
  r.values["ratio_high"] = series.y.back();
  r.values["alpha_low"] = alphas.front();
  r.values["alpha_high"] = alphas.back();
  return r;
}

ClaimResult dot_vs_distance(const ClaimContext& c, const json& p) {
  std::vector<attn::Index> dims;
  for (const auto& d : p.at("dims")) dims.push_back(d.get<attn::Index>());
  const attn::Index n = p.value("n", 64);
  const std::uint64_t seed = p.value("seed", 1ull);
  const auto gaussian = attn::dot_vs_distance_sweep(attn::DatasetKind::Gaussian, n, dims, seed);
  const auto sphere = attn::dot_vs_distance_sweep(attn::DatasetKind::Sphere, n, dims, seed);
  Figure f;
  f.title = "dot-product weights against distance weights (alpha = 1/sqrt(d))";
  f.x_label = "dimension d";
  f.y_label = "mean row TV";
  f.log_x = true;
  FigureSeries g{"isotropic gaussian data", {}, {}}, s{"points on the unit sphere", {}, {}};
  double sphere_max = 0.0;
  for (std::size_t k = 0; k < dims.size(); ++k) {
    g.x.push_back(static_cast<double>(dims[k]));
    g.y.push_back(gaussian[k].mean_tv);
    s.x.push_back(static_cast<double>(dims[k]));
    s.y.push_back(sphere[k].mean_tv);
    sphere_max = std::max(sphere_max, sphere[k].max_abs_diff);
  }
  f.series = {g, s};
  c.out.figures.push_back(f);
  const double first = gaussian.front().mean_tv, last = gaussian.back().mean_tv;
  const bool sphere_ok = sphere_max <= p.value("sphere_at_most", 1e-12);
  const bool level_ok = last >= p.value("gaussian_at_least", 0.0);
  const bool not_shrinking = last >= p.value("gaussian_ratio_at_least", 0.5) * first;
  ClaimResult r{sphere_ok && level_ok && not_shrinking,
                "gaussian TV " + number(first) + " at d=" + std::to_string(dims.front()) + ", " + number(last) +
                    " at d=" + std::to_string(dims.back()) + "; sphere max |dW| " + number(sphere_max),
                {}};
  r.values["tv_first"] = first;
  r.values["tv_last"] = last;
  r.values["d_first"] = dims.front();
  r.values["d_last"] = dims.back();
  r.values["sphere_max_dw"] = sphere_max;
  return r;
}

// Relative concentration of the norms (what the paper uses) against their absolute spread on the
// logit scale (what decides whether the two weightings agree).
ClaimResult norm_concentration(const ClaimContext& c, const json& p) {
  std::vector<attn::Index> dims;
  for (const auto& d : p.at("dims")) dims.push_back(d.get<attn::Index>());
  const auto points = attn::norm_concentration_sweep(p.value("n", 64), dims, p.value("seed", 1ull));
  Figure f{"isotropic gaussian vectors: how concentrated is |x|^2?", "dimension d", "", true, true, {}};
  FigureSeries relative{"relative spread sd(|x|^2) / mean(|x|^2)", {}, {}},
      logit{"spread on the logit scale sd(|x|^2) / (2 sqrt d)", {}, {}}, dots{"sd of x_i . x_j (alpha = 1)", {}, {}};
  for (const auto& pt : points) {
    const double d = static_cast<double>(pt.dimension);
    relative.x.push_back(d);
    relative.y.push_back(pt.relative_spread);
    logit.x.push_back(d);
    logit.y.push_back(pt.logit_spread);
    dots.x.push_back(d);
    dots.y.push_back(pt.dot_spread);
  }
  f.series = {relative, logit, dots};
  c.out.figures.push_back(f);
  const double relative_fall = relative.y.front() / relative.y.back();
  // The logit-scale spread at every d, not only at the last: its smallest value over the sweep.
  const auto lowest = std::min_element(logit.y.begin(), logit.y.end());
  const double logit_ratio = *lowest / logit.y.front();
  const std::size_t lowest_at = static_cast<std::size_t>(lowest - logit.y.begin());
  const bool holds =
      relative_fall >= p.value("relative_fall_at_least", 1.0) && logit_ratio >= p.value("logit_ratio_at_least", 0.0);
  ClaimResult r{holds,
                "relative spread " + number(relative.y.front()) + " -> " + number(relative.y.back()) + " (falls " +
                    number(relative_fall) + "x); logit-scale spread " + number(logit.y.front()) + " -> " +
                    number(logit.y.back()) + ", lowest " + number(*lowest) +
                    " at d = " + std::to_string(dims[lowest_at]) + " (" + number(100.0 * logit_ratio) +
                    "% of the first; claim >= " + number(100.0 * p.value("logit_ratio_at_least", 0.0)) +
                    "%); dot-product sd " + number(dots.y.front()) + " -> " + number(dots.y.back()),
                {}};
  r.values["logit_min"] = *lowest;
  r.values["logit_max"] = *std::max_element(logit.y.begin(), logit.y.end());
  r.values["logit_min_d"] = dims[lowest_at];
  r.values["logit_min_ratio"] = logit_ratio;
  r.values["relative_direction"] = direction_of(relative.y);
  r.values["relative_first"] = relative.y.front();
  r.values["relative_last"] = relative.y.back();
  r.values["relative_fall"] = relative_fall;
  r.values["logit_first"] = logit.y.front();
  r.values["logit_last"] = logit.y.back();
  r.values["dot_first"] = dots.y.front();
  r.values["dot_last"] = dots.y.back();
  r.values["d_first"] = dims.front();
  r.values["d_last"] = dims.back();
  return r;
}

}  // namespace

std::span<const ClaimKind> sweep_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "sequence_length",
       .evaluate = sequence_length,
       .measures = "the method's weights over n random scores for each length n of the list (in its order): the "
                   "mean largest weight falls and the mean row entropy rises, strictly, from each length to the next",
       .params = {{"lengths", "the lengths n (a list)"},
                  {"sd", "standard deviation of the scores", "default 1"},
                  {"rows", "rows drawn per length", "default 64"},
                  kSeed,
                  kMethodParam},
       .values = {"max_first", "max_last", "entropy_first", "entropy_last", "n_first", "n_last"}},
      {.name = "temperature_entropy",
       .evaluate = temperature_entropy,
       .measures = "the mean row entropy on the step's data at each alpha (sorted): it falls strictly as alpha grows",
       .params = {{"alphas", "the alphas (a list of at least two)"}, kMethodParam},
       .values = {"entropy_low", "entropy_high", "alpha_low", "alpha_high"}},
      {.name = "max_entropy",
       .evaluate = max_entropy,
       .identity = true,
       .measures = "in every row of the step's scores, softmax's weights have a larger entropy than random "
                   "distributions q with the same expected score (whose expected scores match up to rounding)",
       .params = {{"trials", "random q per row", "default 200"}, kSeed},
       .values = {"rows", "trials", "min_gap", "mismatch"}},
      {.name = "sensitivity",
       .evaluate = sensitivity,
       .measures = "the median |dY| / |dX| of one update step for small random changes of the inputs, at each alpha: "
                   "finite, and larger at the largest alpha than at the smallest (whatever the order of the list)",
       .params = {{"alphas", "the alphas (a list of at least two)"},
                  {"epsilon", "size of the input changes", "default 1e-4"},
                  {"trials", "random changes per alpha", "default 20"},
                  kSeed,
                  kMethodParam},
       .values = {"ratio_low", "ratio_high", "alpha_low", "alpha_high"}},
      {.name = "dot_vs_distance",
       .evaluate = dot_vs_distance,
       .measures = "the mean row TV between dot-product weights and distance weights (alpha = 1/sqrt(d)) at each "
                   "dimension d, for isotropic gaussian data and for points on the unit sphere (where they agree)",
       .params = {{"dims", "the dimensions d (a list)"},
                  {"n", "points per data set", "default 64"},
                  kSeed,
                  {"sphere_at_most", "upper bound on max |dW| on the sphere", "default 1e-12"},
                  {"gaussian_at_least", "lower bound on the gaussian TV at the last dimension", "default 0"},
                  {"gaussian_ratio_at_least", "lower bound on the gaussian TV at the last dimension over the first",
                   "default 0.5"}},
       .values = {"tv_first", "tv_last", "d_first", "d_last", "sphere_max_dw"}},
      {.name = "norm_concentration",
       .evaluate = norm_concentration,
       .measures = "for isotropic gaussian vectors at each dimension d: the relative spread sd(|x|^2) / mean(|x|^2), "
                   "the spread on the logit scale sd(|x|^2) / (2 sqrt d), and the sd of x_i . x_j",
       .params = {{"dims", "the dimensions d (a list)"},
                  {"n", "vectors per dimension", "default 64"},
                  kSeed,
                  {"relative_fall_at_least", "lower bound on the first relative spread over the last", "default 1"},
                  {"logit_ratio_at_least",
                   "lower bound on the logit-scale spread at every d (its smallest) over the first", "default 0"}},
       .values = {"relative_first", "relative_last", "relative_fall", "relative_direction", "logit_first", "logit_last",
                  "logit_min", "logit_max", "logit_min_d", "logit_min_ratio", "dot_first", "dot_last", "d_first",
                  "d_last"}},
  };
  return table;
}

}  // namespace ax
