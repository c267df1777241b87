#include "lessons/claims_derivation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/theory/functional_equation.hpp"
#include "attn/theory/sweeps.hpp"
#include "compute/loaded_data.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

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
std::vector<std::string> ratio_methods(const ClaimContext& c, const std::string& first) {
  std::vector<std::string> out = {first};
  for (const auto& m : c.state.attention.methods) {
    if (m != first && attn::parse_method(m).is_ratio_form()) out.push_back(m);
  }
  return out;
}

ClaimResult shift_ratio(const ClaimContext& c, const json& p) {
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
      // Which way the ratio goes along a, measured: a lesson quotes it, never types it.
      r.values["direction"] = direction_of(curve.ratio, 1e-9);
    }
  }
  c.out.figures.push_back(f);
  const Bound bound = Bound::from(p);
  const double range = r.values["range"].get<double>();
  const std::string direction = r.values["direction"].get<std::string>();
  r.holds = bound.holds(range) && direction_holds(p, "direction", direction);
  r.measured = method + ": F(a + M) / F(a) " + direction + " from " + number(r.values["ratio_first"].get<double>()) +
               " to " + number(r.values["ratio_last"].get<double>()) + ", by " + number(range) +
               " (relative) over a in [" + number(a.front()) + ", " + number(a.back()) + "] (claim " + bound.text() +
               (p.contains("direction") ? ", " + p.at("direction").get<std::string>() : std::string()) + ")";
  r.values["a_first"] = a.front();
  r.values["a_last"] = a.back();
  r.values["shift"] = shift;
  r.values["alpha"] = alpha;
  return r;
}

ClaimResult shift_ratio_family(const ClaimContext& c, const json& p) {
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
ClaimResult log_derivative(const ClaimContext& c, const json& p) {
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
ClaimResult alpha_free(const ClaimContext& c, const json& p) {
  const std::vector<double> alphas = sorted_numbers_of(p.at("alphas"), "alpha_free");
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
ClaimResult distance_form(const ClaimContext& c, const json& p) {
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

// The grid of a along which F(a + M) / F(a) or F'(a) / F(a) is measured (grid()).
constexpr ClaimParam kFrom{"from", "first value of the grid", "default -4"};
constexpr ClaimParam kTo{"to", "last value of the grid", "default 4"};
constexpr ClaimParam kPoints{"points", "number of grid points", "default 41"};

}  // namespace

std::span<const ClaimKind> derivation_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "shift_ratio",
       .evaluate = shift_ratio,
       .measures = "how much F(a + M) / F(a) varies along a grid of scores a (its relative range), for the claim's "
                   "method and the step's alpha; the figure shows every method of the step that has an F",
       .params = {kMethodParam,
                  {"shift", "the shift M"},
                  kFrom,
                  kTo,
                  kPoints,
                  kAtMost,
                  kAtLeast,
                  {"direction", "which way the method's ratio must go along a: rises, falls or stays flat",
                   "not checked"}},
       .values = {"range", "range.<method>", "undefined", "ratio_first", "ratio_last", "direction", "a_first", "a_last",
                  "shift", "alpha"}},
      {.name = "shift_ratio_family",
       .evaluate = shift_ratio_family,
       .measures = "F(a + M) / F(a) against M, one curve per score a: the largest relative difference between the "
                   "curves (none for exp: the ratio does not depend on a)",
       .params = {kMethodParam,
                  {"a", "the scores a, one curve each (a list)"},
                  {"from", "first shift M", "default 0"},
                  {"to", "last shift M", "default 4"},
                  {"points", "number of shifts", "default 21"},
                  kAtMost,
                  kAtLeast},
       .values = {"spread", "shift_last", "g_last", "exp_alpha_m", "alpha"}},
      {.name = "log_derivative",
       .evaluate = log_derivative,
       .measures = "with of = spread: max |F'(a) / F(a) - g'(0)| along a grid of a (0 when F is an exponential); "
                   "with of = line: max |ln F(a) - ln F(0) - g'(0) a|",
       .params = {kMethodParam,
                  {"of", "'spread' or 'line'", "default spread"},
                  {"h", "step of the finite differences", "default 1e-4"},
                  kFrom,
                  kTo,
                  kPoints,
                  kAtMost,
                  kAtLeast},
       .values = {"g_prime_0", "g_prime_0.<method>", "spread", "line_residual", "alpha"}},
      {.name = "alpha_free",
       .evaluate = alpha_free,
       .measures = "at every alpha of the list, max |W(M) - W(0)| of the method for the step's shift M (the worst "
                   "over the alphas), and how far the mean row entropy falls from the smallest alpha to the largest",
       .params = {kMethodParam,
                  {"alphas", "the alphas (a list of at least two)"},
                  {"at_most", "upper bound on the worst max |dW|"},
                  {"entropy_drop_at_least", "the least fall of the entropy, in nats", "default 0"}},
       .values = {"max_dw", "entropy_low", "entropy_high", "alpha_low", "alpha_high", "shift"}},
      {.name = "distance_form",
       .evaluate = distance_form,
       .measures = "weights from a kernel of the distance against weights from F(z) = f(sqrt(2C - 2z)) of the dot "
                   "product, on the step's data (max |dW|), and whether that F is an exponential of z",
       .params = {{"kernel", "'gaussian' (f(d) = exp(-d^2 / 2 tau)) or 'laplace' (f(d) = exp(-d / tau))",
                   "default gaussian"},
                  {"tau", "the kernel's width", "default 1"},
                  kAtMost,
                  kAtLeast,
                  {"exponential", "true: ln F(z) must be a straight line; false: it must not be", "not checked"}},
       .values = {"max_dw", "norm_spread", "C", "line_residual", "tau"}},
  };
  return table;
}

}  // namespace ax
