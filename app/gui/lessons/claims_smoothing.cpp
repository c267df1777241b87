#include "lessons/claims_smoothing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "attn/base/errors.hpp"
#include "attn/theory/propagation.hpp"
#include "attn/theory/smoothing_study.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

ClaimResult spread_falls(const ClaimContext& c, const json& p) {
  attn::AttentionSpec spec = spec_of(c, p);
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

ClaimResult propagation_clusters(const ClaimContext& c, const json& p) {
  const int steps = p.value("steps", 20);
  const auto path = attn::propagate(c.data.queries, spec_of(c, p), steps);
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

ClaimResult classification(const ClaimContext& c, const json& p) {
  const attn::TwoClassData data = two_class_config(p.value("data", json::object()));
  attn::AttentionSpec spec = spec_of(c, p);
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

}  // namespace

std::span<const ClaimKind> smoothing_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "spread_falls",
       .evaluate = spread_falls,
       .measures = "the mean distance of the points to their group's centre (one group when the data have none), "
                   "before and after one update step: holds when it falls",
       .params = {kMethodParam},
       .values = {"before", "after"}},
      {.name = "propagation_clusters",
       .evaluate = propagation_clusters,
       .measures = "the number of clusters (points within the radius of each other) after repeated update steps",
       .params = {{"steps", "update steps", "default 20"},
                  {"radius", "points closer than this are one cluster", "default 0.05"},
                  kMethodParam,
                  kAtMost,
                  kAtLeast},
       .values = {"clusters", "start", "steps"}},
      {.name = "classification",
       .evaluate = classification,
       .measures = "the gain in accuracy points of one smoothing step for a nearest-centroid classifier with a few "
                   "labelled points per class, on generated two-class data; with 'seeds', the mean gain over one "
                   "data set per seed (the spread is reported)",
       .params = {{"data",
                   "the two-class data: points_per_class, informative_dims, separation, within_spread, noise_dims, "
                   "noise_spread, seed",
                   "the engine's defaults, key by key"},
                  {"labels_per_class", "labelled points per class"},
                  {"draws", "random labellings averaged", "default 200"},
                  {"seeds", "data seeds (a list of at least two): the bound is on the mean gain", "one data set"},
                  kMethodParam,
                  {"gain_at_most", "upper bound on the gain (points)", "not checked; give a gain bound or both"},
                  {"gain_at_least", "lower bound on the gain (points)", "not checked; give a gain bound or both"}},
       .values = {"before", "after", "gain", "fisher_before", "fisher_after", "mean_gain", "sd_gain", "min_gain",
                  "max_gain", "negative", "data_sets"}},
  };
  return table;
}

}  // namespace ax
