#include "lessons/claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <optional>

#include "attn/errors.hpp"
#include "attn/metrics.hpp"
#include "attn/propagation.hpp"
#include "attn/score_statistics.hpp"
#include "attn/smoothing_study.hpp"
#include "attn/sweeps.hpp"
#include "lessons/word_attention.hpp"
#include "model/compute_request.hpp"

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

attn::Vectors<double> vectors_of(const LoadedData& data) {
  if (data.weights_only) throw attn::InputError("needs vectors, not weight matrices");
  attn::Vectors<double> v;
  v.queries = data.queries;
  if (data.keys) v.keys = *data.keys;
  return v;
}

attn::AttentionSpec spec_of(const AppState& s, const std::string& method) {
  return make_attention_spec(s.attention, s.data.centre, attn::parse_method(method));
}

// Weights in the precision the step asks for, as double.
attn::Weights<double> weights_for(const AppState& s, const LoadedData& data, const std::string& method,
                                  const attn::Perturbation& p) {
  const attn::AttentionSpec spec = spec_of(s, method);
  const attn::Vectors<double> v = vectors_of(data);
  if (s.attention.use_double) return attn::compute_weights(v, spec, p);
  const attn::Weights<float> w = attn::compute_weights(v.cast<float>(), spec, p);
  attn::Weights<double> out;
  out.matrix = w.matrix.cast<double>();
  out.rows = w.rows;
  return out;
}

attn::Perturbation perturbation_of(const AppState& s, const LoadedData& data) {
  return make_perturbation(s.noise, data.query_count(), data.key_count());
}

ClaimResult deviation(const Context& c, const json& p) {
  const Bound bound = Bound::from(p);
  ClaimResult r;
  r.holds = true;
  for (const auto& m : p.at("methods")) {
    const std::string method = m.get<std::string>();
    const attn::Perturbation perturbation = perturbation_of(c.state, c.data);
    const attn::Deviation d = attn::compare_weights(weights_for(c.state, c.data, method, {}),
                                                    weights_for(c.state, c.data, method, perturbation));
    const double value = d.compared_rows > 0 ? d.max_abs_diff : NAN;
    r.holds = r.holds && bound.holds(value);
    r.measured += (r.measured.empty() ? "" : ", ") + method + " " + number(value);
  }
  r.measured = "max |dW|: " + r.measured + " (claim " + bound.text() + ")";
  return r;
}

ClaimResult exact_zeros(const Context& c, const json& p) {
  const auto w = weights_for(c.state, c.data, p.at("method").get<std::string>(), {});
  attn::Index zeros = 0;
  for (attn::Index i = 0; i < w.matrix.rows(); ++i) {
    if (w.defined(i)) zeros += (w.matrix.row(i).array() == 0.0).count();
  }
  const double at_least = p.value("at_least", 1.0);
  return {static_cast<double>(zeros) >= at_least, std::to_string(zeros) + " exact zeros (claim >= " + number(at_least) + ")"};
}

ClaimResult undefined_rows(const Context& c, const json& p) {
  const bool perturbed = p.value("which", std::string("clean")) == "perturbed";
  const auto w = weights_for(c.state, c.data, p.at("method").get<std::string>(),
                             perturbed ? perturbation_of(c.state, c.data) : attn::Perturbation{});
  const Bound bound = Bound::from(p);
  const auto count = static_cast<double>(w.undefined_count());
  return {bound.holds(count), number(count) + " of " + std::to_string(w.matrix.rows()) + " rows undefined (claim " +
                                  bound.text() + ")"};
}

// Float32 weights of the current settings against the same computed in float64.
ClaimResult precision(const Context& c, const json& p) {
  const std::string method = p.at("method").get<std::string>();
  const attn::AttentionSpec spec = spec_of(c.state, method);
  const attn::Vectors<double> v = vectors_of(c.data);
  const attn::Weights<double> reference = attn::compute_weights(v, spec);
  const attn::Weights<float> single = attn::compute_weights(v.cast<float>(), spec);
  attn::Weights<double> widened;
  widened.matrix = single.matrix.cast<double>();
  widened.rows = single.rows;
  const attn::Deviation d = attn::compare_weights(reference, widened);
  const double value = d.compared_rows > 0 ? d.max_abs_diff : NAN;
  const Bound bound = Bound::from(p);
  return {bound.holds(value) && d.undefined_rows == 0,
          "float32 against float64: max |dW| " + number(value) + ", " + std::to_string(d.undefined_rows) +
              " undefined rows (claim " + bound.text() + ", none undefined)"};
}

ClaimResult distance_order(const Context& c, const json&) {
  const auto w = weights_for(c.state, c.data, "exp", {});
  const attn::MatD& x = c.data.queries;
  attn::Index violations = 0;
  for (attn::Index i = 0; i < x.rows(); ++i) {
    std::vector<attn::Index> order(static_cast<std::size_t>(x.rows()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](attn::Index a, attn::Index b) {
      return (x.row(i) - x.row(a)).squaredNorm() < (x.row(i) - x.row(b)).squaredNorm();
    });
    for (std::size_t k = 1; k < order.size(); ++k) violations += w.matrix(i, order[k]) > w.matrix(i, order[k - 1]);
  }
  return {violations == 0, std::to_string(violations) + " pairs where a farther point gets more weight (claim: none)"};
}

ClaimResult score_shift(const Context& c, const json& p) {
  const attn::ScoreShift s = attn::measure_score_shift(c.data.queries, c.state.noise.global_rms, c.state.noise.local_rms,
                                                       p.value("draws", 200), p.value("seed", 1ull));
  const double error = std::abs(s.mean_offdiagonal_change - s.expected) / std::max(std::abs(s.expected), 1e-300);
  const double limit = p.value("relative_error_at_most", 0.05);
  return {error <= limit, "mean change " + number(s.mean_offdiagonal_change) + " vs s_g^2 d = " + number(s.expected) +
                              " (" + number(100 * error) + "% off; claim <= " + number(100 * limit) + "%)"};
}

ClaimResult spread_falls(const Context& c, const json&) {
  attn::AttentionSpec spec = spec_of(c.state, "exp");
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
  return {after < before, "mean distance to the group centre " + number(before) + " -> " + number(after)};
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
  return {sphere_ok && level_ok && not_shrinking,
          "gaussian TV " + number(first) + " at d=" + std::to_string(dims.front()) + ", " + number(last) + " at d=" +
              std::to_string(dims.back()) + "; sphere max |dW| " + number(sphere_max)};
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
  const auto points = attn::sequence_length_sweep(lengths, p.value("sd", 1.0), p.value("rows", 64), p.value("seed", 1ull));
  Figure weights{"softmax of n random scores", "sequence length n", "largest weight", true, true, {}};
  Figure entropy{"row entropy against log n", "sequence length n", "entropy (nats)", true, false, {}};
  FigureSeries largest{"mean largest weight", {}, {}}, uniform{"1/n", {}, {}}, h{"mean entropy", {}, {}}, log_n{"log n", {}, {}};
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
  return {holds, "largest weight " + number(largest.y.front()) + " -> " + number(largest.y.back()) + ", entropy " +
                     number(h.y.front()) + " -> " + number(h.y.back()) + " nats"};
}

ClaimResult temperature_entropy(const Context& c, const json& p) {
  std::vector<double> alphas;
  for (const auto& a : p.at("alphas")) alphas.push_back(a.get<double>());
  const auto points = attn::temperature_sweep(c.data.queries, alphas, c.state.attention.score == "scaled-dot");
  Figure f{"row entropy against inverse temperature", "alpha", "mean row entropy (nats)", false, false, {}};
  FigureSeries s{"softmax", {}, {}};
  for (const auto& pt : points) {
    s.x.push_back(pt.alpha);
    s.y.push_back(pt.mean_entropy);
  }
  f.series = {s};
  c.out.figures.push_back(f);
  return {strictly(s.y, false), "entropy " + number(s.y.front()) + " at alpha " + number(alphas.front()) + " -> " +
                                    number(s.y.back()) + " at alpha " + number(alphas.back())};
}

ClaimResult max_entropy(const Context& c, const json& p) {
  const attn::MatD scores = attn::compute_scores(vectors_of(c.data), attn::parse_score_kind(c.state.attention.score),
                                                 c.state.attention.alpha);
  const std::vector<double> row(scores.row(0).data(), scores.row(0).data() + scores.cols());
  const attn::MaxEntropyCheck check = attn::max_entropy_check(row, p.value("trials", 200), p.value("seed", 1ull));
  char text[200];
  std::snprintf(text, sizeof text, "softmax %.6f nats; the best of %d others with the same expected score %.6f (%.2g less)",
                check.softmax_entropy, check.trials, check.best_other_entropy,
                check.softmax_entropy - check.best_other_entropy);
  return {check.softmax_entropy >= check.best_other_entropy, text};
}

ClaimResult propagation_clusters(const Context& c, const json& p) {
  const int steps = p.value("steps", 20);
  const auto path = attn::propagate(c.data.queries, spec_of(c.state, "exp"), steps);
  const double radius = p.value("radius", 0.05);
  const Bound bound = Bound::from(p);
  const auto count = static_cast<double>(attn::count_clusters(path.back(), radius));
  return {bound.holds(count), std::to_string(static_cast<long>(count)) + " clusters after " + std::to_string(steps) +
                                  " steps (from " + std::to_string(attn::count_clusters(path.front(), radius)) +
                                  "; claim " + bound.text() + ")"};
}

ClaimResult sensitivity(const Context& c, const json& p) {
  std::vector<double> alphas;
  for (const auto& a : p.at("alphas")) alphas.push_back(a.get<double>());
  if (alphas.size() < 2) throw attn::InputError("sensitivity needs at least two alphas");
  const double eps = p.value("epsilon", 1e-4);
  const int trials = p.value("trials", 20);
  const std::uint64_t seed = p.value("seed", 1ull);
  Figure f{"sensitivity of one update step", "alpha", "median |dY| / |dX|", true, true, {}};
  FigureSeries series{"score " + c.state.attention.score, {}, {}};
  bool finite = true;
  for (double alpha : alphas) {
    attn::AttentionSpec spec = spec_of(c.state, "exp");
    spec.alpha = alpha;
    const double ratio = attn::sensitivity(c.data.queries, spec, eps, trials, seed);
    finite = finite && std::isfinite(ratio);
    series.x.push_back(alpha);
    series.y.push_back(ratio);
  }
  f.series = {series};
  c.out.figures.push_back(f);
  return {finite && series.y.back() > series.y.front(),
          "|dY|/|dX| = " + number(series.y.front()) + " at alpha " + number(alphas.front()) + ", " +
              number(series.y.back()) + " at alpha " + number(alphas.back())};
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
  attn::AttentionSpec spec = spec_of(c.state, "exp");
  const attn::SmoothingResult r = attn::smoothing_classification(data, spec, p.at("labels_per_class").get<attn::Index>(),
                                                                 p.value("draws", 200));
  const double gain = 100.0 * (r.after.accuracy - r.before.accuracy);
  const Bound bound = Bound::from(p, "gain_at_most", "gain_at_least");
  char text[240];
  std::snprintf(text, sizeof text, "accuracy %.2f%% -> %.2f%% (gain %+.2f points; claim %s); Fisher ratio %.3g -> %.3g",
                100 * r.before.accuracy, 100 * r.after.accuracy, gain, bound.text().c_str(), r.before.fisher_ratio,
                r.after.fisher_ratio);
  return {bound.holds(gain), text};
}

const WordSet& words_of(const Context& c) {
  if (!c.words) throw attn::InputError("needs the step's word set (view_options.words)");
  return *c.words;
}

ClaimResult sentiment(const Context& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), parse_pooling_form(p.at("form").get<std::string>()), c.state.lesson,
                                     attn::parse_method(c.state.attention.methods.empty() ? "exp" : c.state.attention.methods[0]));
  const double threshold = p.value("threshold", 0.5);
  ClaimResult r{true, ""};
  for (const auto& s : pooled) {
    if (!p.contains(s.name)) continue;
    const bool above = p.at(s.name).get<std::string>() == "above";
    r.holds = r.holds && (above ? s.sentiment > threshold : s.sentiment < threshold);
    r.measured += (r.measured.empty() ? "" : ", ") + s.name + " " + number(s.sentiment);
  }
  r.measured = "sentiment: " + r.measured + " (threshold " + number(threshold) + ")";
  return r;
}

ClaimResult heads_differ(const Context& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), PoolingForm::Heads, c.state.lesson, attn::parse_method("exp"));
  const std::string name = p.value("sentence", std::string("negative"));
  for (const auto& s : pooled) {
    if (s.name != name) continue;
    attn::Index a = 0, b = 0;
    s.weights.maxCoeff(&a);
    s.weights2.maxCoeff(&b);
    return {a != b, "head 1 favours '" + s.tokens[static_cast<std::size_t>(a)] + "', head 2 favours '" +
                        s.tokens[static_cast<std::size_t>(b)] + "'"};
  }
  throw attn::InputError("no sentence '" + name + "'");
}

ClaimResult shuffle_invariance(const Context& c, const json& p) {
  const PoolingForm form = parse_pooling_form(p.at("form").get<std::string>());
  LessonSettings in_order = c.state.lesson, shuffled = c.state.lesson;
  in_order.shuffled = false;
  shuffled.shuffled = true;
  const attn::Method method = attn::parse_method("exp");
  const auto a = pool_sentences(words_of(c), form, in_order, method);
  const auto b = pool_sentences(words_of(c), form, shuffled, method);
  double pooled_diff = 0.0, weight_diff = 0.0;
  for (std::size_t s = 0; s < a.size(); ++s) {
    pooled_diff = std::max(pooled_diff, (a[s].pooled - b[s].pooled).cwiseAbs().maxCoeff());
    for (std::size_t k = 0; k < b[s].order.size(); ++k) {
      const auto original = static_cast<attn::Index>(b[s].order[k]);
      if (form == PoolingForm::Qkv) {
        for (std::size_t l = 0; l < b[s].order.size(); ++l) {
          weight_diff = std::max(weight_diff, std::abs(b[s].self_weights(static_cast<attn::Index>(k), static_cast<attn::Index>(l)) -
                                                       a[s].self_weights(original, b[s].order[l])));
        }
      } else if (a[s].weights.size() > 0) {
        weight_diff = std::max(weight_diff, std::abs(b[s].weights(static_cast<attn::Index>(k)) - a[s].weights(original)));
      }
    }
  }
  const double limit = p.value("at_most", 1e-12);
  auto amount = [](double v) { return v == 0.0 ? std::string("0 (exactly)") : number(v); };
  return {pooled_diff <= limit && weight_diff <= limit,
          "pooled result moves by " + amount(pooled_diff) + "; each weight moves with its word, off by " + amount(weight_diff)};
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
  };
  return table;
}

}  // namespace

bool is_known_claim_kind(const std::string& kind) { return evaluators().count(kind) > 0; }

void compute_view(const LessonStep& step, const AppState& state, const LoadedData& data, const WordSet* words,
                  StepEvaluation& out) {
  switch (step.view) {
    case StepView::Propagation: {
      const attn::AttentionSpec spec = spec_of(state, "exp");
      out.propagation.path = attn::propagate(data.queries, spec, state.lesson.propagation_steps);
      out.propagation.groups = data.groups;
      out.propagation.radius = step.view_options.value("radius", 0.05);
      out.propagation.clusters = attn::count_clusters(out.propagation.path.back(), out.propagation.radius);
      break;
    }
    case StepView::Classification: {
      const attn::TwoClassPoints points = attn::generate_two_class_data(two_class_config(step.view_options.value("data", json::object())));
      const attn::MatD smoothed = attn::propagate_once(points.points, spec_of(state, "exp")).points;
      const attn::Index shown = std::min<attn::Index>(2, points.points.cols());
      out.classification.before = points.points.leftCols(shown);
      out.classification.after = smoothed.leftCols(shown);
      out.classification.labels = points.labels;
      break;
    }
    case StepView::Words: {
      if (!words) throw attn::InputError("the words view needs view_options.words");
      const std::string method = state.attention.methods.empty() ? "exp" : state.attention.methods[0];
      out.sentences = pool_sentences(*words, parse_pooling_form(step.view_options.value("form", std::string("dot"))),
                                     state.lesson, attn::parse_method(method));
      break;
    }
    default:
      break;
  }
}

StepEvaluation evaluate_step(const LessonStep& step, const AppState& state, const LoadedData& data, const WordSet* words) {
  StepEvaluation out;
  try {
    compute_view(step, state, data, words, out);
  } catch (const std::exception& e) {
    out.view_error = e.what();
  }
  Context context{step, state, data, words, out};
  for (const Claim& claim : step.claims) {
    ClaimResult result;
    try {
      result = evaluators().at(claim.kind)(context, claim.params);
    } catch (const std::exception& e) {
      result = {false, std::string("could not be measured: ") + e.what()};
    }
    out.claims.push_back(std::move(result));
  }
  return out;
}

}  // namespace ax
