#include "lessons/claims_metric.hpp"

#include "attn/base/errors.hpp"
#include "attn/theory/metric_attention.hpp"
#include "lessons/claim_support.hpp"
#include "lessons/theory_views.hpp"

namespace ax {
namespace {

using nlohmann::json;

attn::MatD map_of(const json& rows) {
  if (!rows.is_array() || rows.size() != 2 || rows[0].size() != 2 || rows[1].size() != 2) {
    throw attn::InputError("a map must be [[a, b], [c, d]]");
  }
  attn::MatD a(2, 2);
  a << rows[0][0].get<double>(), rows[0][1].get<double>(), rows[1][0].get<double>(), rows[1][1].get<double>();
  return a;
}

ClaimResult metric_neighbours(const ClaimContext& c, const json& p) {
  const double fraction =
      attn::neighbour_change_fraction(points_of(c.data), metric_map_of(c.state), map_of(p.at("other")), spec_of(c, p));
  const Bound bound = Bound::from(p, "changed_at_most", "changed_at_least");
  return {bound.holds(fraction),
          number(100 * fraction) + "% of the points attend most to another point under the other map (claim " +
              bound.text() + ")",
          {{"changed", fraction}}};
}

ClaimResult metric_null_space(const ClaimContext& c, const json& p) {
  const attn::NullSpaceCheck check = attn::null_space_check(points_of(c.data), metric_map_of(c.state), spec_of(c, p));
  if (!check.singular)
    return {false, "the map is invertible: the distance is a metric, no null space", {{"singular", false}}};
  const double limit = p.value("at_most", 1e-12);
  return {check.largest_weight_gap <= limit,
          "null direction (" + number(check.direction(0)) + ", " + number(check.direction(1)) +
              "); a point moved one unit along it keeps its weight to " + number(check.largest_weight_gap) +
              " (claim <= " + number(limit) + ")",
          {{"singular", true}, {"weight_gap", check.largest_weight_gap}}};
}

}  // namespace

std::span<const ClaimKind> metric_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "metric_neighbours",
       .evaluate = metric_neighbours,
       .measures = "the fraction of the points whose most attended other point changes from the step's metric map "
                   "(lesson.metric_row1, metric_row2) to another map",
       .params = {{"other", "the other map, [[a, b], [c, d]]"},
                  {"changed_at_most", "upper bound on the fraction", "not checked; give a bound or both"},
                  {"changed_at_least", "lower bound on the fraction", "not checked; give a bound or both"},
                  kMethodParam},
       .values = {"changed"}},
      {.name = "metric_null_space",
       .evaluate = metric_null_space,
       .identity = true,
       .measures = "the step's metric map is singular, and a point moved one unit along its null space keeps its "
                   "weight",
       .params = {{"at_most", "upper bound on the weight's change", "default 1e-12"}, kMethodParam},
       .values = {"singular", "weight_gap"}},
  };
  return table;
}

}  // namespace ax
