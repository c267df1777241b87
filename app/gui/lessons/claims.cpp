#include "lessons/claims.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <optional>

#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/theory/functional_equation.hpp"
#include "attn/theory/propagation.hpp"
#include "attn/theory/score_statistics.hpp"
#include "attn/theory/smoothing_study.hpp"
#include "attn/theory/sweeps.hpp"
#include "compute/compute_request.hpp"
#include "compute/weights_precision.hpp"
#include "lessons/claims_theory.hpp"
#include "lessons/word_attention.hpp"

namespace ax {
namespace {

using nlohmann::json;

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

// Everything a claim may need.
struct Context {
  const LessonStep& step;
  const AppState& state;
  const LoadedData& data;
  const WordSet* words;
  StepEvaluation& out;
};

// A bound given as "at_most" or "at_least" (or both).
struct Bound {
  std::optional<double> at_most, at_least;
  static Bound from(const json& p, const char* most = "at_most", const char* least = "at_least") {
    Bound b;
    if (p.contains(most)) b.at_most = p.at(most).get<double>();
    if (p.contains(least)) b.at_least = p.at(least).get<double>();
    if (!b.at_most && !b.at_least) throw attn::InputError(std::string("needs '") + most + "' or '" + least + "'");
    return b;
  }
  bool holds(double v) const { return (!at_most || v <= *at_most) && (!at_least || v >= *at_least); }
  std::string text() const {
    std::string t;
    if (at_most) t += "<= " + number(*at_most);
    if (at_least) t += std::string(t.empty() ? "" : ", ") + ">= " + number(*at_least);
    return t;
  }
};

attn::AttentionSpec spec_of(const AppState& s, const std::string& method) {
  return make_attention_spec(s.attention, s.data.centre, attn::parse_method(method));
}

// The method a claim measures: params.method, else the step's first method.
std::string method_of(const Context& c, const json& p) {
  if (p.contains("method")) return p.at("method").get<std::string>();
  if (c.state.attention.methods.empty()) throw attn::InputError("the step has no method and the claim names none");
  return c.state.attention.methods.front();
}

std::vector<double> sorted_doubles(const json& list, const char* what) {
  std::vector<double> out;
  for (const auto& a : list) out.push_back(a.get<double>());
  if (out.size() < 2) throw attn::InputError(std::string(what) + " needs at least two values");
  std::sort(out.begin(), out.end());
  return out;
}

// Weights in the precision the step asks for, as double.
attn::Weights<double> weights_for(const AppState& s, const LoadedData& data, const std::string& method,
                                  const attn::Perturbation& p) {
  const attn::AttentionSpec spec = spec_of(s, method);
  const attn::Vectors<double> v = engine_vectors<double>(data);
  if (s.attention.use_double) return attn::compute_weights(v, spec, p);
  return weights_as<double>(attn::compute_weights(v.cast<float>(), spec, p));
}

attn::Perturbation perturbation_of(const AppState& s, const LoadedData& data) {
  return make_perturbation(s.noise, data.query_count(), data.key_count());
}

ClaimResult deviation(const Context& c, const json& p) {
  const Bound bound = Bound::from(p);
  ClaimResult r;
  r.holds = true;
  const attn::Perturbation perturbation = perturbation_of(c.state, c.data);
  double largest = -INFINITY, smallest = INFINITY;
  attn::Index undefined = 0;
  std::string per_method;
  for (const auto& m : p.at("methods")) {
    const std::string method = m.get<std::string>();
    const attn::Deviation d = attn::compare_weights(weights_for(c.state, c.data, method, {}),
                                                    weights_for(c.state, c.data, method, perturbation));
    // Undefined rows are reported, never skipped: the claim cannot be true of weights that do not exist.
    const double value = d.compared_rows > 0 ? d.max_abs_diff : NAN;
    r.holds = r.holds && bound.holds(value) && d.undefined_rows == 0;
    undefined += d.undefined_rows;
    largest = std::isnan(value) || std::isnan(largest) ? NAN : std::max(largest, value);
    smallest = std::isnan(value) || std::isnan(smallest) ? NAN : std::min(smallest, value);
    r.values["max_dw." + method] = value;
    per_method += (per_method.empty() ? "" : ", ") + method + " " + number(value);
    if (d.undefined_rows > 0) per_method += " (" + std::to_string(d.undefined_rows) + " rows undefined)";
  }
  r.values["max_dw"] = largest;
  r.values["min_dw"] = smallest;
  r.values["undefined_rows"] = undefined;
  r.measured = "max |dW|: " + per_method + " (claim " + bound.text() + ", no undefined rows)";
  return r;
}

ClaimResult exact_zeros(const Context& c, const json& p) {
  const auto w = weights_for(c.state, c.data, method_of(c, p), {});
  attn::Index zeros = 0;
  for (attn::Index i = 0; i < w.matrix.rows(); ++i) {
    if (w.defined(i)) zeros += (w.matrix.row(i).array() == 0.0).count();
  }
  const double at_least = p.value("at_least", 1.0);
  ClaimResult r{static_cast<double>(zeros) >= at_least,
                std::to_string(zeros) + " exact zeros (claim >= " + number(at_least) + ")",
                {}};
  r.values["zeros"] = zeros;
  r.values["rows"] = w.matrix.rows();
  return r;
}

ClaimResult undefined_rows(const Context& c, const json& p) {
  const bool perturbed = p.value("which", std::string("clean")) == "perturbed";
  const auto w = weights_for(c.state, c.data, method_of(c, p),
                             perturbed ? perturbation_of(c.state, c.data) : attn::Perturbation{});
  const Bound bound = Bound::from(p);
  const auto count = static_cast<double>(w.undefined_count());
  ClaimResult r{
      bound.holds(count),
      number(count) + " of " + std::to_string(w.matrix.rows()) + " rows undefined (claim " + bound.text() + ")",
      {}};
  r.values["undefined"] = count;
  r.values["rows"] = w.matrix.rows();
  return r;
}

// Float32 weights of the current settings against the same computed in float64.
ClaimResult precision(const Context& c, const json& p) {
  const std::string method = method_of(c, p);
  const attn::AttentionSpec spec = spec_of(c.state, method);
  const attn::Vectors<double> v = engine_vectors<double>(c.data);
  const attn::Weights<double> reference = attn::compute_weights(v, spec);
  const attn::Weights<double> widened = weights_as<double>(attn::compute_weights(v.cast<float>(), spec));
  const attn::Deviation d = attn::compare_weights(reference, widened);
  const double value = d.compared_rows > 0 ? d.max_abs_diff : NAN;
  const Bound bound = Bound::from(p);
  ClaimResult r{bound.holds(value) && d.undefined_rows == 0,
                "float32 against float64: max |dW| " + number(value) + ", " + std::to_string(d.undefined_rows) +
                    " undefined rows (claim " + bound.text() + ", none undefined)",
                {}};
  r.values["max_dw"] = value;
  r.values["undefined_rows"] = d.undefined_rows;
  return r;
}

ClaimResult distance_order(const Context& c, const json& p) {
  const auto w = weights_for(c.state, c.data, method_of(c, p), {});
  const attn::MatD& x = c.data.queries;
  attn::Index violations = 0, pairs = 0;
  for (attn::Index i = 0; i < x.rows(); ++i) {
    if (!w.defined(i)) {
      violations += x.rows() - 1;  // an undefined row does not fall with the distance
      pairs += x.rows() - 1;
      continue;
    }
    std::vector<attn::Index> order(static_cast<std::size_t>(x.rows()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](attn::Index a, attn::Index b) {
      return (x.row(i) - x.row(a)).squaredNorm() < (x.row(i) - x.row(b)).squaredNorm();
    });
    for (std::size_t k = 1; k < order.size(); ++k) violations += w.matrix(i, order[k]) > w.matrix(i, order[k - 1]);
    pairs += x.rows() - 1;
  }
  ClaimResult r{violations == 0,
                std::to_string(violations) + " of " + std::to_string(pairs) +
                    " neighbour pairs where a farther point gets more weight (claim: none)",
                {}};
  r.values["violations"] = violations;
  r.values["pairs"] = pairs;
  return r;
}

ClaimResult score_shift(const Context& c, const json& p) {
  const attn::ScoreShift s = attn::measure_score_shift(
      c.data.queries, c.state.noise.global_rms, c.state.noise.local_rms, p.value("draws", 200), p.value("seed", 1ull));
  const double scale = std::max(std::abs(s.expected), 1e-300);
  const double error = std::abs(s.mean_offdiagonal_change - s.expected) / scale;
  const double pair_error = s.max_pair_deviation / scale;
  const double limit = p.value("relative_error_at_most", 0.05);
  const bool pairs_checked = p.contains("pair_error_at_most");
  const double pair_limit = p.value("pair_error_at_most", 0.0);
  ClaimResult r;
  r.holds = error <= limit && (!pairs_checked || pair_error <= pair_limit);
  r.measured = "mean change " + number(s.mean_offdiagonal_change) + " vs s_g^2 d = " + number(s.expected) + " (" +
               number(100 * error) + "% off; claim <= " + number(100 * limit) + "%); worst single pair (" +
               std::to_string(s.worst_i + 1) + ", " + std::to_string(s.worst_j + 1) + ") " + number(100 * pair_error) +
               "% off" + (pairs_checked ? " (claim <= " + number(100 * pair_limit) + "%)" : "") + " over " +
               std::to_string(s.draws) + " draws";
  r.values["mean_change"] = s.mean_offdiagonal_change;
  r.values["expected"] = s.expected;
  r.values["error"] = error;
  r.values["pair_error"] = pair_error;
  r.values["worst_i"] = s.worst_i + 1;
  r.values["worst_j"] = s.worst_j + 1;
  r.values["draws"] = s.draws;
  return r;
}

ClaimResult spread_falls(const Context& c, const json& p) {
  attn::AttentionSpec spec = spec_of(c.state, method_of(c, p));
  const attn::MatD y = attn::propagate_once(c.data.queries, spec).points;
  auto spread = [&](const attn::MatD& points) {
    std::map<int, std::pair<attn::VecD, int>> centres;
    for (attn::Index i = 0; i < points.rows(); ++i) {
      const int g = c.data.groups.empty() ? 0 : c.data.groups[static_cast<std::size_t>(i)];
      auto& [sum, count] = centres[g];
      if (count == 0) sum = attn::VecD::Zero(points.cols());
      sum += points.row(i).transpose();
      ++count;
    }
    double total = 0.0;
    for (attn::Index i = 0; i < points.rows(); ++i) {
      const int g = c.data.groups.empty() ? 0 : c.data.groups[static_cast<std::size_t>(i)];
      total += (points.row(i).transpose() - centres[g].first / centres[g].second).norm();
    }
    return total / static_cast<double>(points.rows());
  };
  const double before = spread(c.data.queries), after = spread(y);
  ClaimResult r{after < before, "mean distance to the group centre " + number(before) + " -> " + number(after), {}};
  r.values["before"] = before;
  r.values["after"] = after;
  return r;
}

ClaimResult dot_vs_distance(const Context& c, const json& p) {
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
ClaimResult norm_concentration(const Context& c, const json& p) {
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
  const double logit_ratio = logit.y.back() / logit.y.front();
  const bool holds =
      relative_fall >= p.value("relative_fall_at_least", 1.0) && logit_ratio >= p.value("logit_ratio_at_least", 0.0);
  ClaimResult r{holds,
                "relative spread " + number(relative.y.front()) + " -> " + number(relative.y.back()) + " (falls " +
                    number(relative_fall) + "x); logit-scale spread " + number(logit.y.front()) + " -> " +
                    number(logit.y.back()) + "; dot-product sd " + number(dots.y.front()) + " -> " +
                    number(dots.y.back()),
                {}};
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

bool strictly(const std::vector<double>& v, bool increasing) {
  for (std::size_t k = 1; k < v.size(); ++k) {
    if (increasing ? !(v[k] > v[k - 1]) : !(v[k] < v[k - 1])) return false;
  }
  return true;
}

ClaimResult sequence_length(const Context& c, const json& p) {
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

ClaimResult temperature_entropy(const Context& c, const json& p) {
  const std::vector<double> alphas = sorted_doubles(p.at("alphas"), "temperature_entropy");
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

ClaimResult max_entropy(const Context& c, const json& p) {
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

ClaimResult propagation_clusters(const Context& c, const json& p) {
  const int steps = p.value("steps", 20);
  const auto path = attn::propagate(c.data.queries, spec_of(c.state, method_of(c, p)), steps);
  const double radius = p.value("radius", 0.05);
  const Bound bound = Bound::from(p);
  const auto count = static_cast<double>(attn::count_clusters(path.back(), radius));
  const auto start = attn::count_clusters(path.front(), radius);
  ClaimResult r{bound.holds(count),
                std::to_string(static_cast<long>(count)) + " clusters after " + std::to_string(steps) +
                    " steps (from " + std::to_string(start) + "; claim " + bound.text() + ")",
                {}};
  r.values["clusters"] = count;
  r.values["start"] = start;
  r.values["steps"] = steps;
  return r;
}

ClaimResult sensitivity(const Context& c, const json& p) {
  const std::vector<double> alphas = sorted_doubles(p.at("alphas"), "sensitivity");
  const double eps = p.value("epsilon", 1e-4);
  const int trials = p.value("trials", 20);
  const std::uint64_t seed = p.value("seed", 1ull);
  Figure f{"sensitivity of one update step", "alpha", "median |dY| / |dX|", true, true, {}};
  FigureSeries series{"score " + c.state.attention.score, {}, {}};
  bool finite = true;
  for (double alpha : alphas) {
    attn::AttentionSpec spec = spec_of(c.state, method_of(c, p));
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

attn::TwoClassData two_class_config(const json& d) {
  attn::TwoClassData data;
  data.points_per_class = d.value("points_per_class", data.points_per_class);
  data.informative_dims = d.value("informative_dims", data.informative_dims);
  data.separation = d.value("separation", data.separation);
  data.within_spread = d.value("within_spread", data.within_spread);
  data.noise_dims = d.value("noise_dims", data.noise_dims);
  data.noise_spread = d.value("noise_spread", data.noise_spread);
  data.seed = d.value("seed", data.seed);
  return data;
}

ClaimResult classification(const Context& c, const json& p) {
  const attn::TwoClassData data = two_class_config(p.value("data", json::object()));
  attn::AttentionSpec spec = spec_of(c.state, method_of(c, p));
  const auto labels = p.at("labels_per_class").get<attn::Index>();
  const int draws = p.value("draws", 200);
  const Bound bound = Bound::from(p, "gain_at_most", "gain_at_least");
  ClaimResult out;
  if (p.contains("seeds")) {
    // The gain over several data sets: the bound is on the mean, the spread is reported.
    std::vector<double> gains;
    for (const auto& seed : p.at("seeds")) {
      attn::TwoClassData one = data;
      one.seed = seed.get<std::uint64_t>();
      const attn::SmoothingResult r = attn::smoothing_classification(one, spec, labels, draws);
      gains.push_back(100.0 * (r.after.accuracy - r.before.accuracy));
    }
    if (gains.size() < 2) throw attn::InputError("'seeds' needs at least two seeds");
    const double n = static_cast<double>(gains.size());
    const double mean = std::accumulate(gains.begin(), gains.end(), 0.0) / n;
    double ss = 0.0;
    for (double g : gains) ss += (g - mean) * (g - mean);
    const double sd = std::sqrt(ss / (n - 1.0));
    const auto negative = std::count_if(gains.begin(), gains.end(), [](double g) { return g < 0.0; });
    const auto [lo, hi] = std::minmax_element(gains.begin(), gains.end());
    char text[240];
    std::snprintf(text, sizeof text,
                  "gain over %d data sets: mean %+.2f points (claim %s), sd %.2f, from %+.2f to %+.2f; %d negative",
                  static_cast<int>(gains.size()), mean, bound.text().c_str(), sd, *lo, *hi, static_cast<int>(negative));
    out = {bound.holds(mean), text, {}};
    out.values["mean_gain"] = mean;
    out.values["sd_gain"] = sd;
    out.values["min_gain"] = *lo;
    out.values["max_gain"] = *hi;
    out.values["negative"] = static_cast<long>(negative);
    out.values["data_sets"] = gains.size();
    return out;
  }
  const attn::SmoothingResult r = attn::smoothing_classification(data, spec, labels, draws);
  const double gain = 100.0 * (r.after.accuracy - r.before.accuracy);
  char text[240];
  std::snprintf(text, sizeof text, "accuracy %.2f%% -> %.2f%% (gain %+.2f points; claim %s); Fisher ratio %.3g -> %.3g",
                100 * r.before.accuracy, 100 * r.after.accuracy, gain, bound.text().c_str(), r.before.fisher_ratio,
                r.after.fisher_ratio);
  out = {bound.holds(gain), text, {}};
  out.values["before"] = 100 * r.before.accuracy;
  out.values["after"] = 100 * r.after.accuracy;
  out.values["gain"] = gain;
  out.values["fisher_before"] = r.before.fisher_ratio;
  out.values["fisher_after"] = r.after.fisher_ratio;
  return out;
}

const WordSet& words_of(const Context& c) {
  if (!c.words) throw attn::InputError("needs the step's word set (view_options.words)");
  return *c.words;
}

ClaimResult sentiment(const Context& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), parse_pooling_form(p.at("form").get<std::string>()), c.state.lesson,
                                     attn::parse_method(method_of(c, p)));
  const double threshold = p.value("threshold", 0.5);
  const double margin = p.value("margin", 0.0);
  if (!(margin >= 0.0)) throw attn::InputError("'margin' must be >= 0");
  ClaimResult r{true, "", {}};
  int checked = 0;
  for (const auto& s : pooled) {
    if (!p.contains(s.name)) continue;
    ++checked;
    const bool above = p.at(s.name).get<std::string>() == "above";
    r.holds = r.holds && (above ? s.sentiment > threshold + margin : s.sentiment < threshold - margin);
    r.values["sentiment." + s.name] = s.sentiment;
    r.measured += (r.measured.empty() ? "" : ", ") + s.name + " " + number(s.sentiment);
  }
  if (checked == 0) throw attn::InputError("the claim names none of the sentences");
  r.values["threshold"] = threshold;
  r.values["margin"] = margin;
  r.measured =
      "sentiment: " + r.measured + " (claim: beyond " + number(threshold) + " by more than " + number(margin) + ")";
  return r;
}

ClaimResult heads_differ(const Context& c, const json& p) {
  const auto pooled =
      pool_sentences(words_of(c), PoolingForm::Heads, c.state.lesson, attn::parse_method(method_of(c, p)));
  const std::string name = p.value("sentence", std::string("negative"));
  for (const auto& s : pooled) {
    if (s.name != name) continue;
    attn::Index a = 0, b = 0;
    s.weights.maxCoeff(&a);
    s.weights2.maxCoeff(&b);
    ClaimResult r{a != b,
                  "head 1 favours '" + s.tokens[static_cast<std::size_t>(a)] + "', head 2 favours '" +
                      s.tokens[static_cast<std::size_t>(b)] + "'",
                  {}};
    r.values["head1"] = s.tokens[static_cast<std::size_t>(a)];
    r.values["head2"] = s.tokens[static_cast<std::size_t>(b)];
    return r;
  }
  throw attn::InputError("no sentence '" + name + "'");
}

ClaimResult shuffle_invariance(const Context& c, const json& p) {
  const PoolingForm form = parse_pooling_form(p.at("form").get<std::string>());
  LessonSettings in_order = c.state.lesson, shuffled = c.state.lesson;
  in_order.shuffled = false;
  shuffled.shuffled = true;
  const attn::Method method = attn::parse_method(method_of(c, p));
  const auto a = pool_sentences(words_of(c), form, in_order, method);
  const auto b = pool_sentences(words_of(c), form, shuffled, method);
  double pooled_diff = 0.0, weight_diff = 0.0;
  for (std::size_t s = 0; s < a.size(); ++s) {
    pooled_diff = std::max(pooled_diff, (a[s].pooled - b[s].pooled).cwiseAbs().maxCoeff());
    for (std::size_t k = 0; k < b[s].order.size(); ++k) {
      const auto original = static_cast<attn::Index>(b[s].order[k]);
      if (form == PoolingForm::Qkv) {
        for (std::size_t l = 0; l < b[s].order.size(); ++l) {
          weight_diff = std::max(weight_diff,
                                 std::abs(b[s].self_weights(static_cast<attn::Index>(k), static_cast<attn::Index>(l)) -
                                          a[s].self_weights(original, b[s].order[l])));
        }
      } else if (a[s].weights.size() > 0) {
        weight_diff =
            std::max(weight_diff, std::abs(b[s].weights(static_cast<attn::Index>(k)) - a[s].weights(original)));
      }
    }
  }
  const double limit = p.value("at_most", 1e-12);
  auto amount = [](double v) { return v == 0.0 ? std::string("0 (exactly)") : number(v); };
  ClaimResult r{pooled_diff <= limit && weight_diff <= limit,
                "pooled result moves by " + amount(pooled_diff) + "; each weight moves with its word, off by " +
                    amount(weight_diff),
                {}};
  r.values["pooled_diff"] = pooled_diff;
  r.values["weight_diff"] = weight_diff;
  return r;
}

// ---- Alam et al.'s derivation, step by step (attn/functional_equation.hpp) ----

// Evenly spaced points from params "from", "to", "points".
std::vector<double> grid(const json& p, double from, double to, int points) {
  from = p.value("from", from);
  to = p.value("to", to);
  points = p.value("points", points);
  if (points < 2 || !(to > from)) throw attn::InputError("needs 'to' > 'from' and at least two points");
  std::vector<double> out;
  for (int k = 0; k < points; ++k) out.push_back(from + (to - from) * k / (points - 1));
  return out;
}

// The step's methods that have an F (the ones a figure of F can show), the claim's method first.
std::vector<std::string> ratio_methods(const Context& c, const std::string& first) {
  std::vector<std::string> out = {first};
  for (const auto& m : c.state.attention.methods) {
    if (m != first && attn::parse_method(m).is_ratio_form()) out.push_back(m);
  }
  return out;
}

ClaimResult shift_ratio(const Context& c, const json& p) {
  const std::string method = method_of(c, p);
  const double shift = p.at("shift").get<double>();
  const double alpha = c.state.attention.alpha;
  const std::vector<double> a = grid(p, -4.0, 4.0, 41);
  Figure f{"F(a + M) / F(a) against a, M = " + number(shift) + ", F_alpha(a) = F(alpha a), alpha = " + number(alpha),
           "score a",
           "F(a + M) / F(a)",
           false,
           false,
           {}};
  ClaimResult r;
  for (const auto& m : ratio_methods(c, method)) {
    const attn::RatioCurve curve = attn::shift_ratio_along_a(attn::parse_method(m), alpha, shift, a);
    f.series.push_back({m, curve.a, curve.ratio});
    r.values["range." + m] = curve.relative_range;
    if (m == method) {
      r.values["range"] = curve.relative_range;
      r.values["undefined"] = curve.undefined;
      r.values["ratio_first"] = curve.ratio.front();
      r.values["ratio_last"] = curve.ratio.back();
    }
  }
  c.out.figures.push_back(f);
  const Bound bound = Bound::from(p);
  const double range = r.values["range"].get<double>();
  r.holds = bound.holds(range);
  r.measured = method + ": F(a + M) / F(a) varies by " + number(range) + " (relative) over a in [" + number(a.front()) +
               ", " + number(a.back()) + "] (claim " + bound.text() + ")";
  r.values["shift"] = shift;
  r.values["alpha"] = alpha;
  return r;
}

ClaimResult shift_ratio_family(const Context& c, const json& p) {
  const std::string method = method_of(c, p);
  const double alpha = c.state.attention.alpha;
  std::vector<double> a;
  for (const auto& v : p.at("a")) a.push_back(v.get<double>());
  const std::vector<double> shifts = grid(p, 0.0, 4.0, 21);
  const attn::RatioFamily family = attn::shift_ratio_family(attn::parse_method(method), alpha, a, shifts);
  Figure f{method + ": F(a + M) / F(a) against M, one curve per a", "shift M", "F(a + M) / F(a)", false, false, {}};
  for (std::size_t k = 0; k < a.size(); ++k)
    f.series.push_back({"a = " + number(a[k]), family.shifts, family.ratio[k]});
  c.out.figures.push_back(f);
  const Bound bound = Bound::from(p);
  ClaimResult r;
  r.holds = bound.holds(family.spread);
  r.measured = method + ": the curves for a = " + number(a.front()) + " ... " + number(a.back()) + " differ by up to " +
               number(family.spread) + " (relative; claim " + bound.text() + ")";
  r.values["spread"] = family.spread;
  r.values["shift_last"] = shifts.back();
  r.values["g_last"] = family.ratio.front().back();
  r.values["exp_alpha_m"] = std::exp(alpha * shifts.back());
  r.values["alpha"] = alpha;
  return r;
}

// F'(a) / F(a) against g'(0) ("of": "spread"), or ln F against the line g'(0) a ("of": "line").
ClaimResult log_derivative(const Context& c, const json& p) {
  const std::string method = method_of(c, p);
  const double alpha = c.state.attention.alpha;
  const std::vector<double> a = grid(p, -4.0, 4.0, 41);
  const double h = p.value("h", 1e-4);
  const bool line = p.value("of", std::string("spread")) == "line";
  ClaimResult r;
  Figure f = line ? Figure{"ln F(a) - ln F(0) and the line g'(0) a", "score a", "", false, false, {}}
                  : Figure{"F'(a) / F(a) against a, and the level g'(0) of " + method,
                           "score a",
                           "F'(a) / F(a)",
                           false,
                           false,
                           {}};
  for (const auto& m : ratio_methods(c, method)) {
    const attn::LogDerivative d = attn::log_derivative(attn::parse_method(m), alpha, a, 0.0, h);
    if (line) {
      f.series.push_back({"ln F: " + m, d.a, d.log_f});
      f.series.push_back({"g'(0) a: " + m, d.a, d.line});
    } else {
      f.series.push_back({m, d.a, d.log_derivative});
    }
    r.values["g_prime_0." + m] = d.g_prime_0;
    if (m == method && !line) f.series.push_back({"g'(0) of " + m, d.a, std::vector<double>(d.a.size(), d.g_prime_0)});
    if (m == method) {
      r.values["g_prime_0"] = d.g_prime_0;
      r.values["spread"] = d.spread;
      r.values["line_residual"] = d.line_residual;
    }
    if (line) break;  // one F: its curve and its line
  }
  c.out.figures.push_back(f);
  r.values["alpha"] = alpha;
  const Bound bound = Bound::from(p);
  const double value = r.values[line ? "line_residual" : "spread"].get<double>();
  r.holds = bound.holds(value);
  r.measured = method + ": g'(0) = " + number(r.values["g_prime_0"].get<double>()) + " (alpha " + number(alpha) +
               "); " + (line ? "max |ln F(a) - ln F(0) - g'(0) a| = " : "max |F'/F - g'(0)| = ") + number(value) +
               " (claim " + bound.text() + ")";
  return r;
}

// Shift invariance holds at every alpha, and the weights still depend on alpha.
ClaimResult alpha_free(const Context& c, const json& p) {
  const std::vector<double> alphas = sorted_doubles(p.at("alphas"), "alpha_free");
  const std::string method = method_of(c, p);
  const attn::Method parsed = attn::parse_method(method);
  const attn::Vectors<double> v = engine_vectors<double>(c.data);
  const double shift = c.state.noise.shift;
  const std::array<double, 1> shifts = {shift};
  const std::array<attn::Method, 1> methods = {parsed};
  Figure entropy{method + ": mean row entropy against alpha", "alpha", "entropy (nats)", true, false, {}};
  Figure change{
      method + ": max |W(M) - W(0)| against alpha, M = " + number(shift), "alpha", "max |dW|", true, true, {}};
  FigureSeries h{method, {}, {}}, dw{method, {}, {}};
  const auto temperature = attn::temperature_sweep(c.data.queries, alphas, spec_of(c.state, method));
  double worst = 0.0;
  for (std::size_t k = 0; k < alphas.size(); ++k) {
    attn::AttentionSpec spec = spec_of(c.state, method);
    spec.alpha = alphas[k];
    const auto result =
        attn::invariance_sweep(v, spec, std::span<const attn::Method>(methods), std::span<const double>(shifts));
    const attn::Deviation& d = result.front().deviation;
    const double value = d.compared_rows > 0 && d.undefined_rows == 0 ? d.max_abs_diff : NAN;
    worst = std::isnan(value) || std::isnan(worst) ? NAN : std::max(worst, value);
    h.x.push_back(alphas[k]);
    h.y.push_back(temperature[k].mean_entropy);
    dw.x.push_back(alphas[k]);
    dw.y.push_back(std::max(value, 1e-17));  // exact zeros drawn at the floor of the log axis
  }
  entropy.series = {h};
  change.series = {dw};
  c.out.figures.push_back(change);
  c.out.figures.push_back(entropy);
  const double at_most = p.at("at_most").get<double>();
  const double drop = h.y.front() - h.y.back();
  const double drop_at_least = p.value("entropy_drop_at_least", 0.0);
  ClaimResult r;
  r.holds = worst <= at_most && drop >= drop_at_least;
  r.measured = method + ": max |dW| " + number(worst) + " over alphas " + number(alphas.front()) + " ... " +
               number(alphas.back()) + " (claim <= " + number(at_most) + "); entropy " + number(h.y.front()) + " -> " +
               number(h.y.back()) + " nats (claim: falls by >= " + number(drop_at_least) + ")";
  r.values["max_dw"] = worst;
  r.values["entropy_low"] = h.y.front();
  r.values["entropy_high"] = h.y.back();
  r.values["alpha_low"] = alphas.front();
  r.values["alpha_high"] = alphas.back();
  r.values["shift"] = shift;
  return r;
}

// Kernel weights of the distance against F(z) = f(sqrt(2C - 2z)) of the dot product, on the
// step's data; and whether that F is an exponential of z.
ClaimResult distance_form(const Context& c, const json& p) {
  const std::string kernel_name = p.value("kernel", std::string("gaussian"));
  const attn::DistanceKernel kernel = attn::parse_distance_kernel(kernel_name);
  const double tau = p.value("tau", 1.0);
  const attn::DistanceFormCheck check = attn::distance_form_check(c.data.queries, kernel, tau);
  std::vector<double> z;
  const double C = check.C;
  for (int k = 0; k <= 40; ++k) z.push_back(-C + 2.0 * C * k / 40.0);
  Figure f{"ln F(z), F(z) = f(sqrt(2C - 2z)), C = " + number(C) + ", tau = " + number(tau),
           "dot product z",
           "ln F(z)",
           false,
           false,
           {}};
  double residual = NAN;
  for (const char* name : {"gaussian", "laplace"}) {
    const attn::MappedFunction mapped = attn::distance_form_function(attn::parse_distance_kernel(name), C, tau, z);
    f.series.push_back({std::string(name) == "gaussian" ? "f(d) = exp(-d^2 / 2 tau)" : "f(d) = exp(-d / tau)", mapped.z,
                        mapped.log_f});
    if (kernel_name == name) residual = mapped.line_residual;
  }
  c.out.figures.push_back(f);
  const Bound bound = Bound::from(p);
  bool holds = bound.holds(check.max_abs_diff);
  if (p.contains("exponential")) {
    const bool exponential = residual <= 1e-9 * std::max(1.0, C / tau);
    holds = holds && exponential == p.at("exponential").get<bool>();
  }
  ClaimResult r;
  r.holds = holds;
  r.measured = kernel_name + " kernel: distance weights against F(dot product) weights, max |dW| " +
               number(check.max_abs_diff) + " (claim " + bound.text() + "); norms spread " + number(check.norm_spread) +
               " of C; ln F(z) is " + number(residual) + " from a straight line";
  r.values["max_dw"] = check.max_abs_diff;
  r.values["norm_spread"] = check.norm_spread;
  r.values["C"] = C;
  r.values["line_residual"] = residual;
  r.values["tau"] = tau;
  return r;
}

// Bias of each F under shared vector noise, as the noise grows: TV(E[W~], W) from Monte Carlo draws.
ClaimResult noise_bias(const Context& c, const json& p) {
  std::vector<double> levels;
  for (const auto& v : p.at("levels")) levels.push_back(v.get<double>());
  std::sort(levels.begin(), levels.end());
  const std::string method = method_of(c, p);
  std::vector<std::string> names;
  std::vector<attn::Method> methods;
  for (const auto& m : c.state.attention.methods) {
    names.push_back(m);
    methods.push_back(attn::parse_method(m));
  }
  const auto own = std::find(names.begin(), names.end(), method);
  if (own == names.end())
    throw attn::InputError("the claim's method '" + method + "' is not one of the step's methods");
  const std::size_t me = static_cast<std::size_t>(own - names.begin());
  attn::NoiseStudyConfig config;
  config.local_rms = c.state.noise.local_rms;
  config.target = attn::parse_noise_target(c.state.noise.target);
  config.draws = p.value("draws", 200);
  config.seed = p.value("seed", 1ull);
  const attn::AttentionSpec base = spec_of(c.state, method);
  const attn::Vectors<double> v = engine_vectors<double>(c.data);
  Figure f{"bias: TV between the mean of the noisy weights and the clean weights",
           "shared noise rms s_g",
           "mean row TV",
           true,
           true,
           {}};
  for (const auto& n : names) f.series.push_back({n, {}, {}});
  std::vector<bool> least;
  ClaimResult r;
  for (double level : levels) {
    config.global_rms = level;
    const attn::NoiseStudyResult study = attn::noise_study(v, base, std::span<const attn::Method>(methods), config);
    std::size_t best = 0;
    for (std::size_t k = 0; k < study.rows.size(); ++k) {
      f.series[k].x.push_back(level);
      f.series[k].y.push_back(study.rows[k].bias_tv);
      if (study.rows[k].bias_tv < study.rows[best].bias_tv) best = k;
      r.values["bias." + number(level) + "." + names[k]] = study.rows[k].bias_tv;
    }
    least.push_back(best == me);
    r.values["best." + number(level)] = names[best];
  }
  c.out.figures.push_back(f);
  // Where the method stops being the least biased, between two neighbouring levels.
  r.values["flip_low"] = "none";
  r.values["flip_high"] = "none";
  for (std::size_t k = 1; k < levels.size(); ++k) {
    if (least[k - 1] && !least[k]) {
      r.values["flip_low"] = levels[k - 1];
      r.values["flip_high"] = levels[k];
      break;
    }
  }
  auto level_index = [&](double level) {
    for (std::size_t k = 0; k < levels.size(); ++k) {
      if (std::abs(levels[k] - level) <= 1e-12 * std::max(1.0, level)) return k;
    }
    throw attn::InputError("level " + number(level) + " is not in 'levels'");
  };
  r.holds = true;
  std::string text;
  for (const auto& level : p.value("least_biased_at", json::array())) {
    const std::size_t k = level_index(level.get<double>());
    r.holds = r.holds && least[k];
    text += "s_g " + number(levels[k]) + ": least biased " + r.values["best." + number(levels[k])].get<std::string>() +
            "; ";
  }
  for (const auto& level : p.value("not_least_biased_at", json::array())) {
    const std::size_t k = level_index(level.get<double>());
    r.holds = r.holds && !least[k];
    text += "s_g " + number(levels[k]) + ": least biased " + r.values["best." + number(levels[k])].get<std::string>() +
            "; ";
  }
  r.measured =
      text + method + " is least biased up to s_g " +
      (r.values["flip_low"].is_number() ? number(r.values["flip_low"].get<double>()) : std::string("the last level")) +
      " (" + std::to_string(config.draws) + " draws per level)";
  return r;
}

using Evaluator = std::function<ClaimResult(const Context&, const json&)>;

const std::map<std::string, Evaluator>& evaluators() {
  static const std::map<std::string, Evaluator> table = {
      {"deviation", deviation},
      {"exact_zeros", exact_zeros},
      {"undefined_rows", undefined_rows},
      {"precision", precision},
      {"distance_order", distance_order},
      {"score_shift", score_shift},
      {"spread_falls", spread_falls},
      {"dot_vs_distance", dot_vs_distance},
      {"sequence_length", sequence_length},
      {"temperature_entropy", temperature_entropy},
      {"max_entropy", max_entropy},
      {"propagation_clusters", propagation_clusters},
      {"sensitivity", sensitivity},
      {"classification", classification},
      {"sentiment", sentiment},
      {"heads_differ", heads_differ},
      {"shuffle_invariance", shuffle_invariance},
      {"shift_ratio", shift_ratio},
      {"shift_ratio_family", shift_ratio_family},
      {"log_derivative", log_derivative},
      {"alpha_free", alpha_free},
      {"distance_form", distance_form},
      {"noise_bias", noise_bias},
      {"norm_concentration", norm_concentration},
  };
  return table;
}

}  // namespace

// The theory steps' kinds, defined in their own files (claims_propagation.cpp, claims_words.cpp).
ClaimKind theory_kind(const std::string& kind) {
  for (const auto* table : {&propagation_claim_kinds(), &word_claim_kinds()}) {
    if (const auto it = table->find(kind); it != table->end()) return it->second;
  }
  return nullptr;
}

bool is_known_claim_kind(const std::string& kind) {
  return evaluators().count(kind) > 0 || theory_kind(kind) != nullptr;
}

std::vector<std::string> known_claim_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, evaluator] : evaluators()) kinds.push_back(kind);
  for (const auto* table : {&propagation_claim_kinds(), &word_claim_kinds()}) {
    for (const auto& [kind, evaluator] : *table) kinds.push_back(kind);
  }
  return kinds;
}

bool is_identity_claim_kind(const std::string& kind) {
  // The theory steps' identities: mean shift is a gradient step, a null space is invisible, fixed
  // attention is cross-attention of one query.
  return kind == "shuffle_invariance" || kind == "max_entropy" || kind == "mean_shift_gradient" ||
         kind == "metric_null_space" || kind == "fixed_as_cross_attention";
}

bool valid_claim_id(const std::string& id) {
  return std::all_of(id.begin(), id.end(),
                     [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

// The method the lesson views use: the step's first.
std::string view_method(const AppState& state) {
  if (state.attention.methods.empty()) throw attn::InputError("the step has no method");
  return state.attention.methods.front();
}

void compute_view(const LessonStep& step, const AppState& state, const LoadedData& data, const WordSet* words,
                  StepEvaluation& out) {
  switch (step.view) {
    case StepView::Propagation: {
      const attn::AttentionSpec spec = spec_of(state, view_method(state));
      out.propagation.path = attn::propagate(data.queries, spec, state.lesson.propagation_steps);
      out.propagation.groups = data.groups;
      out.propagation.radius = step.view_options.value("radius", 0.05);
      out.propagation.clusters = attn::count_clusters(out.propagation.path.back(), out.propagation.radius);
      compute_theory_view(step, state, data, out);
      break;
    }
    case StepView::Classification: {
      const attn::TwoClassPoints points =
          attn::generate_two_class_data(two_class_config(step.view_options.value("data", json::object())));
      const attn::MatD smoothed = attn::propagate_once(points.points, spec_of(state, view_method(state))).points;
      const attn::Index shown = std::min<attn::Index>(2, points.points.cols());
      out.classification.before = points.points.leftCols(shown);
      out.classification.after = smoothed.leftCols(shown);
      out.classification.labels = points.labels;
      break;
    }
    case StepView::Words: {
      if (!words) throw attn::InputError("the words view needs view_options.words");
      const std::string method = view_method(state);
      out.sentences = pool_sentences(*words, parse_pooling_form(step.view_options.value("form", std::string("dot"))),
                                     state.lesson, attn::parse_method(method));
      break;
    }
    default: break;
  }
}

StepEvaluation evaluate_step(const LessonStep& step, const AppState& state, const LoadedData& data,
                             const WordSet* words) {
  StepEvaluation out;
  try {
    compute_view(step, state, data, words, out);
  } catch (const std::exception& e) {
    out.view_error = e.what();
  }
  Context context{step, state, data, words, out};
  for (const Claim& claim : step.claims) {
    const std::size_t figures_before = out.figures.size();
    ClaimResult result;
    try {
      if (const ClaimKind theory = theory_kind(claim.kind)) {
        result = theory(ClaimContext{step, state, data, words, out}, claim.params);
      } else {
        result = evaluators().at(claim.kind)(context, claim.params);
      }
    } catch (const std::exception& e) {
      result = {false, std::string("could not be measured: ") + e.what(), {}};
    }
    out.claims.push_back(std::move(result));
    // Claims about different F of one sweep (shift_ratio, distance_form) draw the same figure: once.
    for (std::size_t f = out.figures.size(); f-- > figures_before;) {
      const bool shown =
          std::any_of(out.figures.begin(), out.figures.begin() + static_cast<std::ptrdiff_t>(figures_before),
                      [&](const Figure& g) { return g.title == out.figures[f].title; });
      if (shown) out.figures.erase(out.figures.begin() + static_cast<std::ptrdiff_t>(f));
    }
  }
  return out;
}

}  // namespace ax
