#include "lessons/claims_weights.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "attn/experiments/metrics.hpp"
#include "compute/weights_precision.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

ClaimResult deviation(const ClaimContext& c, const json& p) {
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

ClaimResult exact_zeros(const ClaimContext& c, const json& p) {
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

ClaimResult undefined_rows(const ClaimContext& c, const json& p) {
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
ClaimResult precision(const ClaimContext& c, const json& p) {
  const attn::AttentionSpec spec = spec_of(c, p);
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

ClaimResult distance_order(const ClaimContext& c, const json& p) {
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

}  // namespace

std::span<const ClaimKind> weight_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "deviation",
       .evaluate = deviation,
       .measures = "max |W_perturbed - W_clean| of each method under the step's perturbation; an undefined row "
                   "(clean or perturbed) makes the claim fail and is counted",
       .params = {{"methods", "the methods compared (a list)"}, kAtMost, kAtLeast},
       .values = {"max_dw", "min_dw", "max_dw.<method>", "undefined_rows"}},
      {.name = "exact_zeros",
       .evaluate = exact_zeros,
       .measures = "the number of weights that are exactly 0 in the defined rows of the clean weights",
       .params = {kMethodParam, {"at_least", "the fewest zeros", "default 1"}},
       .values = {"zeros", "rows"}},
      {.name = "undefined_rows",
       .evaluate = undefined_rows,
       .measures =
           "the number of rows whose weights are undefined (every F value zero, a value or the sum not finite, or "
           "a negative F value)",
       .params = {kMethodParam,
                  {"which", "'perturbed': the weights under the step's perturbation; anything else: the clean ones",
                   "default clean"},
                  kAtMost,
                  kAtLeast},
       .values = {"undefined", "rows"}},
      {.name = "precision",
       .evaluate = precision,
       .measures = "max |dW| between the weights computed in float32 and in float64; an undefined row in either "
                   "makes the claim fail",
       .params = {kMethodParam, kAtMost, kAtLeast},
       .values = {"max_dw", "undefined_rows"}},
      {.name = "distance_order",
       .evaluate = distance_order,
       .measures = "in every row, the weights fall as the distance from the query grows: counts the neighbour pairs "
                   "(in order of distance) where the farther point gets more weight; holds when there are none (an "
                   "undefined row counts all its pairs)",
       .params = {kMethodParam},
       .values = {"violations", "pairs"}},
  };
  return table;
}

}  // namespace ax
