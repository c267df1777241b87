// Claim kinds of lesson 3's theory steps, and the data of the propagation view's modes.
#include <algorithm>
#include <cmath>
#include <set>

#include "attn/theory/drift_diffusion.hpp"
#include "attn/theory/lipschitz.hpp"
#include "attn/theory/measure_duplication.hpp"
#include "attn/theory/metric_attention.hpp"
#include "attn/theory/propagation.hpp"
#include "lessons/claims_theory_support.hpp"

namespace ax {
namespace {

using nlohmann::json;
using theory::Limits;
using theory::number;

std::vector<double> numbers_of(const json& list, const char* what) {
  std::vector<double> out;
  for (const auto& v : list) out.push_back(v.get<double>());
  if (out.size() < 2) throw attn::InputError(std::string(what) + " needs at least two values");
  return out;
}

attn::MatD map_of(const json& rows) {
  if (!rows.is_array() || rows.size() != 2 || rows[0].size() != 2 || rows[1].size() != 2) {
    throw attn::InputError("a map must be [[a, b], [c, d]]");
  }
  attn::MatD a(2, 2);
  a << rows[0][0].get<double>(), rows[0][1].get<double>(), rows[1][0].get<double>(), rows[1][1].get<double>();
  return a;
}

attn::MatD state_map(const AppState& s) {
  attn::MatD a(2, 2);
  a << s.lesson.metric_row1[0], s.lesson.metric_row1[1], s.lesson.metric_row2[0], s.lesson.metric_row2[1];
  return a;
}

ClaimResult survivors_extreme(const ClaimContext& c, const json& p) {
  const attn::MatD& x = theory::points_of(c.data);
  const int steps = p.value("steps", 20);
  const auto path = attn::propagate(x, theory::spec_of(c, p), steps);
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
  attn::MatD x = theory::points_of(c.data);
  // A point at the origin scores 0 against every point at every scale: its row stays a tie,
  // where the softmax is most sensitive, so saturation cannot hide the growth.
  const bool with_origin = p.value("with_origin", false);
  if (with_origin) {
    x.conservativeResize(x.rows() + 1, Eigen::NoChange);
    x.row(x.rows() - 1).setZero();
  }
  attn::AttentionSpec spec = theory::spec_of(c, p);
  if (p.contains("score")) spec.score = attn::parse_score_kind(p.at("score").get<std::string>());
  const std::string sweep = p.value("sweep", std::string("radius"));
  if (sweep != "radius" && sweep != "alpha") throw attn::InputError("sweep must be 'radius' or 'alpha'");
  const std::vector<double> values = numbers_of(p.at("values"), "the sweep");
  const Limits growth(p, "growth_at_most", "growth_at_least");
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
  bool holds = growth.hold(ratio);
  std::string limit = growth.text();
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
  const attn::DriftCheck d = attn::measure_drift(theory::points_of(c.data), theory::spec_of(c, p), density_alpha(c, p));
  const Limits bound(p, "at_most", "at_least");
  const double fraction = static_cast<double>(d.uphill) / static_cast<double>(d.points);
  return {bound.hold(fraction),
          std::to_string(d.uphill) + " of " + std::to_string(d.points) +
              " points moved to a higher density estimate (" + bound.text() + ")",
          {{"uphill", d.uphill}, {"points", d.points}, {"fraction", fraction}}};
}

ClaimResult mean_shift_gradient(const ClaimContext& c, const json& p) {
  const attn::DriftCheck d = attn::measure_drift(theory::points_of(c.data), theory::spec_of(c, p), density_alpha(c, p));
  const double limit = p.value("at_most", 1e-6);
  return {d.largest_gradient_mismatch <= limit,
          "max |y_i - x_i - grad log p(x_i) / alpha| = " + number(d.largest_gradient_mismatch) +
              " (gradient by central differences; claim <= " + number(limit) + ")",
          {{"mismatch", d.largest_gradient_mismatch}}};
}

ClaimResult diffusion_smooths(const ClaimContext& c, const json& p) {
  const int steps = p.value("steps", 3);
  const attn::Diffusion d =
      attn::diffuse_values(theory::points_of(c.data), theory::spec_of(c, p), steps, p.value("seed", 1ull));
  const double rough = d.rough_kept.back(), smooth = d.smooth_kept.back();
  const double rough_limit = p.at("rough_kept_at_most").get<double>(),
               smooth_limit = p.at("smooth_kept_at_least").get<double>();
  return {rough <= rough_limit && smooth >= smooth_limit,
          "after " + std::to_string(steps) + " steps the rough pattern keeps " + number(100 * rough) +
              "% of its variance, the smooth one " + number(100 * smooth) + "% (claim <= " + number(100 * rough_limit) +
              "% and >= " + number(100 * smooth_limit) + "%)",
          {{"rough_kept", rough}, {"smooth_kept", smooth}, {"steps", steps}}};
}

ClaimResult metric_neighbours(const ClaimContext& c, const json& p) {
  const double fraction = attn::neighbour_change_fraction(theory::points_of(c.data), state_map(c.state),
                                                          map_of(p.at("other")), theory::spec_of(c, p));
  const Limits bound(p, "changed_at_most", "changed_at_least");
  return {bound.hold(fraction),
          number(100 * fraction) + "% of the points attend most to another point under the other map (" + bound.text() +
              ")",
          {{"changed", fraction}}};
}

ClaimResult metric_null_space(const ClaimContext& c, const json& p) {
  const attn::NullSpaceCheck check =
      attn::null_space_check(theory::points_of(c.data), state_map(c.state), theory::spec_of(c, p));
  if (!check.singular)
    return {false, "the map is invertible: the distance is a metric, no null space", {{"singular", false}}};
  const double limit = p.value("at_most", 1e-12);
  return {check.largest_weight_gap <= limit,
          "null direction (" + number(check.direction(0)) + ", " + number(check.direction(1)) +
              "); a point moved one unit along it keeps its weight to " + number(check.largest_weight_gap) +
              " (claim <= " + number(limit) + ")",
          {{"singular", true}, {"weight_gap", check.largest_weight_gap}}};
}

ClaimResult duplication(const ClaimContext& c, const json& p) {
  const std::string which = p.value("which", std::string("all"));
  if (which != "all" && which != "one") throw attn::InputError("which must be 'all' or 'one'");
  const attn::Index token = p.value("token", 0);
  const attn::Duplication d = attn::duplication_effect(theory::points_of(c.data), theory::spec_of(c, p), token);
  const Limits bound(p, "at_most", "at_least");
  if (which == "all") {
    return {bound.hold(d.all_max_change),
            "every token twice: outputs move by " + number(d.all_max_change) + " (" + bound.text() + ")",
            {{"change", d.all_max_change}}};
  }
  return {bound.hold(d.one_max_change),
          "token " + std::to_string(token + 1) + " twice: outputs move by up to " + number(d.one_max_change) +
              "; its mean weight " + number(d.token_weight) + " -> " + number(d.token_weight_doubled) + " (" +
              bound.text() + ")",
          {{"change", d.one_max_change},
           {"token", token + 1},
           {"weight", d.token_weight},
           {"weight_doubled", d.token_weight_doubled}}};
}

// A grid of the density estimate over the bounds of the points, for the drift view's shading.
void fill_density(DriftView& v, double alpha) {
  const attn::MatD& x = v.points;
  v.x0 = x.col(0).minCoeff(), v.x1 = x.col(0).maxCoeff(), v.y0 = x.col(1).minCoeff(), v.y1 = x.col(1).maxCoeff();
  const double pad = 0.08 * std::max({v.x1 - v.x0, v.y1 - v.y0, 1.0});
  v.x0 -= pad, v.x1 += pad, v.y0 -= pad, v.y1 += pad;
  constexpr attn::Index kCells = 48;
  attn::MatD at(kCells * kCells, 2);
  for (attn::Index r = 0; r < kCells; ++r) {
    for (attn::Index k = 0; k < kCells; ++k) {
      at.row(r * kCells + k) << v.x0 + (v.x1 - v.x0) * (static_cast<double>(k) + 0.5) / kCells,
          v.y0 + (v.y1 - v.y0) * (static_cast<double>(r) + 0.5) / kCells;
    }
  }
  const attn::VecD log_p = attn::kernel_log_density(x, at, alpha);
  v.log_density = Eigen::Map<const attn::MatD>(log_p.data(), kCells, kCells);
}

}  // namespace

PropagationMode parse_propagation_mode(const std::string& name) {
  if (name == "steps") return PropagationMode::Steps;
  if (name == "drift") return PropagationMode::Drift;
  if (name == "diffusion") return PropagationMode::Diffusion;
  if (name == "metric") return PropagationMode::Metric;
  if (name == "duplication") return PropagationMode::Duplication;
  throw attn::InputError("unknown propagation view mode '" + name +
                         "' (steps, drift, diffusion, metric or duplication)");
}

const std::map<std::string, ClaimKind>& propagation_claim_kinds() {
  static const std::map<std::string, ClaimKind> table = {
      {"survivors_extreme", survivors_extreme}, {"lipschitz", lipschitz},
      {"drift_uphill", drift_uphill},           {"mean_shift_gradient", mean_shift_gradient},
      {"diffusion_smooths", diffusion_smooths}, {"metric_neighbours", metric_neighbours},
      {"metric_null_space", metric_null_space}, {"duplication", duplication},
  };
  return table;
}

void compute_theory_view(const LessonStep& step, const AppState& state, const LoadedData& data,
                         StepEvaluation& evaluation) {
  TheoryView& out = evaluation.theory;
  out.mode = parse_propagation_mode(step.view_options.value("mode", std::string("steps")));
  const attn::AttentionSpec spec = make_attention_spec(
      state.attention, state.data.centre,
      attn::parse_method(state.attention.methods.empty() ? "exp" : state.attention.methods.front()));
  const attn::MatD& x = theory::points_of(data);
  switch (out.mode) {
    case PropagationMode::Steps:
      if (step.view_options.value("norm_ranks", false) && !evaluation.propagation.path.empty()) {
        out.survivors = attn::survivors(x, evaluation.propagation.path.back(), evaluation.propagation.radius);
      }
      break;
    case PropagationMode::Drift: {
      const attn::DriftCheck d = attn::measure_drift(x, spec, state.attention.alpha);
      out.drift.points = x;
      out.drift.moved = x + d.displacement;
      out.drift.uphill = d.uphill;
      fill_density(out.drift, state.attention.alpha);
      break;
    }
    case PropagationMode::Diffusion: {
      const attn::Diffusion d = attn::diffuse_values(x, spec, state.lesson.propagation_steps, 1);
      out.diffusion.points = x;
      out.diffusion.smooth = d.smooth.back();
      out.diffusion.rough = d.rough.back();
      out.diffusion.smooth_scale = d.smooth.front().cwiseAbs().maxCoeff();
      out.diffusion.rough_scale = d.rough.front().cwiseAbs().maxCoeff();
      out.diffusion.smooth_kept = d.smooth_kept.back();
      out.diffusion.rough_kept = d.rough_kept.back();
      out.diffusion.steps = state.lesson.propagation_steps;
      break;
    }
    case PropagationMode::Metric: {
      const attn::MatD a = state_map(state);
      const attn::Weights<double> w = attn::metric_attention(x, a, spec);
      out.metric.points = x;
      out.metric.weights = w.matrix;
      out.metric.most_attended = attn::most_attended_other(w);
      out.metric.query = std::clamp(state.lesson.metric_query, 0, static_cast<int>(x.rows()) - 1);
      const attn::NullSpaceCheck check = attn::null_space_check(x, a, spec);
      out.metric.singular = check.singular;
      out.metric.null_direction = check.direction;
      break;
    }
    case PropagationMode::Duplication: {
      out.duplication.token = step.view_options.value("token", 0);
      out.duplication.points = x;
      out.duplication.effect = attn::duplication_effect(x, spec, out.duplication.token);
      break;
    }
  }
}

}  // namespace ax
