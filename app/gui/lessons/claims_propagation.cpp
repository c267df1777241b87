#include "lessons/claims_propagation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "attn/base/errors.hpp"
#include "attn/theory/drift_diffusion.hpp"
#include "attn/theory/lipschitz.hpp"
#include "attn/theory/measure_duplication.hpp"
#include "attn/theory/propagation.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

ClaimResult survivors_extreme(const ClaimContext& c, const json& p) {
  const attn::MatD& x = points_of(c.data);
  const int steps = p.value("steps", 20);
  const auto path = attn::propagate(x, spec_of(c, p), steps);
  const auto found = attn::survivors(x, path.back(), p.value("radius", 0.05));
  std::set<attn::Index> ranks;
  std::string listed;
  json rank_list = json::array();
  for (const auto& s : found) {
    ranks.insert(s.norm_rank);
    rank_list.push_back(s.norm_rank);
    listed += (listed.empty() ? "" : ", ") + std::to_string(s.norm_rank);
  }
  const auto k = static_cast<attn::Index>(found.size());
  const bool top = static_cast<attn::Index>(ranks.size()) == k && !ranks.empty() && *ranks.rbegin() == k;
  return {top,
          std::to_string(k) + " clusters after " + std::to_string(steps) +
              " steps; the starting point under each has norm rank " + listed + " of " + std::to_string(x.rows()) +
              " (claim: ranks 1 to " + std::to_string(k) + ")",
          {{"clusters", k}, {"steps", steps}, {"ranks", rank_list}, {"points", x.rows()}}};
}

// Appends a series to the figure with `title`, creating the figure the first time.
void add_series(StepEvaluation& out, const Figure& shape, FigureSeries series) {
  for (Figure& f : out.figures) {
    if (f.title == shape.title) {
      f.series.push_back(std::move(series));
      return;
    }
  }
  out.figures.push_back(shape);
  out.figures.back().series.push_back(std::move(series));
}

ClaimResult lipschitz(const ClaimContext& c, const json& p) {
  attn::MatD x = points_of(c.data);
  // A point at the origin scores 0 against every point at every scale: its row stays a tie,
  // where the softmax is most sensitive, so saturation cannot hide the growth.
  const bool with_origin = p.value("with_origin", false);
  if (with_origin) {
    x.conservativeResize(x.rows() + 1, Eigen::NoChange);
    x.row(x.rows() - 1).setZero();
  }
  attn::AttentionSpec spec = spec_of(c, p);
  if (p.contains("score")) spec.score = attn::parse_score_kind(p.at("score").get<std::string>());
  const std::string sweep = p.value("sweep", std::string("radius"));
  if (sweep != "radius" && sweep != "alpha") throw attn::InputError("sweep must be 'radius' or 'alpha'");
  const std::vector<double> values = numbers_of(p.at("values"), "the sweep");
  const Bound growth = Bound::from(p, "growth_at_most", "growth_at_least");
  const std::string score = std::string(attn::score_kind_name(spec.score)) + (with_origin ? " (+ a point at 0)" : "");
  FigureSeries sigma{"score " + score + ": largest singular value", {}, {}};
  FigureSeries typical{"score " + score + ": median gain, random directions", {}, {}};
  for (double v : values) {
    attn::AttentionSpec s = spec;
    if (sweep == "alpha") s.alpha = v;
    const attn::MatD scaled = sweep == "radius" ? attn::MatD(v * x) : x;
    sigma.x.push_back(v);
    sigma.y.push_back(attn::largest_singular_value(scaled, s).largest_singular_value);
    if (p.value("typical", false)) {
      typical.x.push_back(v);
      typical.y.push_back(attn::sensitivity(scaled, s, 1e-6, 15, 4));
    }
  }
  const Figure shape{sweep == "radius" ? "Jacobian of one step: worst-case gain against the size of the inputs"
                                       : "Jacobian of one step: worst-case gain against alpha",
                     sweep == "radius" ? "inputs scaled by r" : "alpha",
                     "gain |dY| / |dX|",
                     true,
                     true,
                     {}};
  const double first = sigma.y.front(), last = sigma.y.back();
  const double largest = *std::max_element(sigma.y.begin(), sigma.y.end());
  add_series(c.out, shape, sigma);
  if (!typical.x.empty()) add_series(c.out, shape, typical);
  const double ratio = last / first;
  bool holds = growth.holds(ratio);
  std::string limit = "claim " + growth.text();
  if (p.value("increasing", false)) {
    bool rising = true;
    for (std::size_t k = 1; k < sigma.y.size(); ++k) rising = rising && sigma.y[k] > sigma.y[k - 1];
    holds = holds && rising;
    limit += rising ? ", rising at every step" : ", NOT rising at every step";
  }
  if (p.contains("largest_at_most")) {
    holds = holds && largest <= p.at("largest_at_most").get<double>();
    limit += ", largest <= " + number(p.at("largest_at_most").get<double>());
  }
  const std::string unit = sweep == "radius" ? " at r = " : " at alpha = ";
  return {holds,
          score + ": sigma_max " + number(first) + unit + number(values.front()) + ", " + number(last) + unit +
              number(values.back()) + " (x" + number(ratio) + "), largest " + number(largest) + " (" + limit + ")",
          {{"first", first},
           {"last", last},
           {"growth", ratio},
           {"largest", largest},
           {"from", values.front()},
           {"to", values.back()}}};
}

double density_alpha(const ClaimContext& c, const json& p) { return p.value("density_alpha", c.state.attention.alpha); }

ClaimResult drift_uphill(const ClaimContext& c, const json& p) {
  const attn::DriftCheck d = attn::measure_drift(points_of(c.data), spec_of(c, p), density_alpha(c, p));
  const Bound bound = Bound::from(p);
  const double fraction = static_cast<double>(d.uphill) / static_cast<double>(d.points);
  return {bound.holds(fraction),
          std::to_string(d.uphill) + " of " + std::to_string(d.points) +
              " points moved to a higher density estimate (claim " + bound.text() + ")",
          {{"uphill", d.uphill}, {"points", d.points}, {"fraction", fraction}}};
}

ClaimResult mean_shift_gradient(const ClaimContext& c, const json& p) {
  const attn::DriftCheck d = attn::measure_drift(points_of(c.data), spec_of(c, p), density_alpha(c, p));
  const double limit = p.value("at_most", 1e-6);
  return {d.largest_gradient_mismatch <= limit,
          "max |y_i - x_i - grad log p(x_i) / alpha| = " + number(d.largest_gradient_mismatch) +
              " (gradient by central differences; claim <= " + number(limit) + ")",
          {{"mismatch", d.largest_gradient_mismatch}}};
}

ClaimResult diffusion_smooths(const ClaimContext& c, const json& p) {
  const int steps = p.value("steps", 3);
  const attn::Diffusion d = attn::diffuse_values(points_of(c.data), spec_of(c, p), steps, p.value("seed", 1ull));
  const double rough = d.rough_kept.back(), smooth = d.smooth_kept.back();
  const double rough_limit = p.at("rough_kept_at_most").get<double>(),
               smooth_limit = p.at("smooth_kept_at_least").get<double>();
  return {rough <= rough_limit && smooth >= smooth_limit,
          "after " + std::to_string(steps) + " steps the rough pattern keeps " + number(100 * rough) +
              "% of its variance, the smooth one " + number(100 * smooth) + "% (claim <= " + number(100 * rough_limit) +
              "% and >= " + number(100 * smooth_limit) + "%)",
          {{"rough_kept", rough}, {"smooth_kept", smooth}, {"steps", steps}}};
}

ClaimResult duplication(const ClaimContext& c, const json& p) {
  const std::string which = p.value("which", std::string("all"));
  if (which != "all" && which != "one") throw attn::InputError("which must be 'all' or 'one'");
  const attn::Index token = p.value("token", 0);
  const attn::Duplication d = attn::duplication_effect(points_of(c.data), spec_of(c, p), token);
  const Bound bound = Bound::from(p);
  if (which == "all") {
    return {bound.holds(d.all_max_change),
            "every token twice: outputs move by " + number(d.all_max_change) + " (claim " + bound.text() + ")",
            {{"change", d.all_max_change}}};
  }
  return {bound.holds(d.one_max_change),
          "token " + std::to_string(token + 1) + " twice: outputs move by up to " + number(d.one_max_change) +
              "; its mean weight " + number(d.token_weight) + " -> " + number(d.token_weight_doubled) + " (claim " +
              bound.text() + ")",
          {{"change", d.one_max_change},
           {"token", token + 1},
           {"weight", d.token_weight},
           {"weight_doubled", d.token_weight_doubled}}};
}

}  // namespace

std::span<const ClaimKind> propagation_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "survivors_extreme",
       .evaluate = survivors_extreme,
       .measures = "after repeated update steps, the clusters sit on the largest-norm starting points: the starting "
                   "points under the k clusters have norm ranks 1 to k",
       .params = {{"steps", "update steps", "default 20"},
                  {"radius", "points closer than this are one cluster", "default 0.05"},
                  kMethodParam},
       .values = {"clusters", "steps", "ranks", "points"}},
      {.name = "lipschitz",
       .evaluate = lipschitz,
       .measures = "the largest singular value of one update step's Jacobian over a sweep of the inputs' scale r or "
                   "of alpha; growth = its last value over its first",
       .params = {{"sweep", "'radius' (inputs scaled by r) or 'alpha'", "default radius"},
                  {"values", "the values swept (a list of at least two)"},
                  {"score", "the score used instead of the step's", "the step's score"},
                  {"with_origin", "adds a point at 0, whose row stays a tie at every scale", "default false"},
                  {"typical", "also draws the median gain in random directions", "default false"},
                  {"increasing", "true: the largest singular value must rise at every value of the sweep",
                   "default false"},
                  {"growth_at_most", "upper bound on the growth", "not checked; give a growth bound or both"},
                  {"growth_at_least", "lower bound on the growth", "not checked; give a growth bound or both"},
                  {"largest_at_most", "upper bound on the largest singular value over the sweep", "not checked"},
                  kMethodParam},
       .values = {"first", "last", "growth", "largest", "from", "to"}},
      {.name = "drift_uphill",
       .evaluate = drift_uphill,
       .measures = "the fraction of the points whose kernel density estimate rises after one update step",
       .params =
           {{"density_alpha", "alpha of the density estimate", "the step's alpha"}, kAtMost, kAtLeast, kMethodParam},
       .values = {"uphill", "points", "fraction"}},
      {.name = "mean_shift_gradient",
       .evaluate = mean_shift_gradient,
       .identity = true,
       .measures = "one update step is a gradient step on the log density: max |y_i - x_i - grad log p(x_i) / alpha| "
                   "(the gradient by central differences)",
       .params = {{"density_alpha", "alpha of the density estimate", "the step's alpha"},
                  {"at_most", "upper bound on the mismatch", "default 1e-6"},
                  kMethodParam},
       .values = {"mismatch"}},
      {.name = "diffusion_smooths",
       .evaluate = diffusion_smooths,
       .measures = "the variance a rough and a smooth pattern of values over the points keep after repeated update "
                   "steps: the rough one loses it, the smooth one keeps it",
       .params = {{"steps", "update steps", "default 3"},
                  kSeed,
                  {"rough_kept_at_most", "upper bound on the rough pattern's variance kept (a fraction)"},
                  {"smooth_kept_at_least", "lower bound on the smooth pattern's variance kept (a fraction)"},
                  kMethodParam},
       .values = {"rough_kept", "smooth_kept", "steps"}},
      {.name = "duplication",
       .evaluate = duplication,
       .measures = "the largest change of the outputs when every token (which = all) or one token (which = one) "
                   "appears twice",
       .params = {{"which", "'all' or 'one'", "default all"},
                  {"token", "with which = one: the token repeated (0 is the first)", "default 0"},
                  kAtMost,
                  kAtLeast,
                  kMethodParam},
       .values = {"change", "token", "weight", "weight_doubled"}},
  };
  return table;
}

}  // namespace ax
