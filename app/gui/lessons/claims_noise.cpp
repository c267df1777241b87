#include "lessons/claims_noise.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/theory/score_statistics.hpp"
#include "compute/loaded_data.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

using nlohmann::json;

ClaimResult score_shift(const ClaimContext& c, const json& p) {
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

// Bias of each of the step's methods at each level of shared noise, TV(E[W~], W) from Monte Carlo
// draws, drawn as a figure and kept in r.values. Returns, per level, whether `method` (one of the
// step's methods) is the least biased.
std::vector<bool> least_biased_by_level(const ClaimContext& c, const json& p, const std::string& method,
                                        const std::vector<double>& levels, ClaimResult& r) {
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
  return least;
}

// Whether the claim's method is, or is not, the least biased at the levels the claim names.
ClaimResult noise_bias(const ClaimContext& c, const json& p) {
  std::vector<double> levels;
  for (const auto& v : p.at("levels")) levels.push_back(v.get<double>());
  std::sort(levels.begin(), levels.end());
  const std::string method = method_of(c, p);
  ClaimResult r;
  const std::vector<bool> least = least_biased_by_level(c, p, method, levels, r);
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
  for (const bool wanted : {true, false}) {
    for (const auto& level : p.value(wanted ? "least_biased_at" : "not_least_biased_at", json::array())) {
      const std::size_t k = level_index(level.get<double>());
      r.holds = r.holds && least[k] == wanted;
      text += "s_g " + number(levels[k]) + ": least biased " +
              r.values["best." + number(levels[k])].get<std::string>() + "; ";
    }
  }
  r.measured =
      text + method + " is least biased up to s_g " +
      (r.values["flip_low"].is_number() ? number(r.values["flip_low"].get<double>()) : std::string("the last level")) +
      " (" + std::to_string(p.value("draws", 200)) + " draws per level)";
  return r;
}

}  // namespace

std::span<const ClaimKind> noise_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "score_shift",
       .evaluate = score_shift,
       .measures = "the mean change of the off-diagonal dot products under the step's shared and local vector "
                   "noise, against s_g^2 d (Monte Carlo draws), overall and for the worst single pair; errors are "
                   "relative to s_g^2 d",
       .params = {{"draws", "number of noise draws", "default 200"},
                  kSeed,
                  {"relative_error_at_most", "largest relative error of the mean change", "default 0.05"},
                  {"pair_error_at_most", "largest relative error of any single pair", "not checked"}},
       .values = {"mean_change", "expected", "error", "pair_error", "worst_i", "worst_j", "draws"}},
      {.name = "noise_bias",
       .evaluate = noise_bias,
       .measures = "at each level s_g of shared vector noise, the bias of every method of the step: TV between the "
                   "mean of the noisy weights and the clean weights (Monte Carlo); the claim is on the levels where "
                   "its method (one of the step's) is the least biased",
       .params = {kMethodParam,
                  {"levels", "the shared noise levels s_g (a list)"},
                  {"draws", "noise draws per level", "default 200"},
                  kSeed,
                  {"least_biased_at", "levels (from 'levels') where the method must be the least biased",
                   "not checked"},
                  {"not_least_biased_at", "levels where the method must not be the least biased", "not checked"}},
       .values = {"bias.<level>.<method>", "best.<level>", "flip_low", "flip_high"}},
  };
  return table;
}

}  // namespace ax
