#include "lessons/claim_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/base/errors.hpp"
#include "compute/compute_request.hpp"
#include "compute/weights_precision.hpp"

namespace ax {

using nlohmann::json;

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

Bound Bound::from(const json& p, const char* most, const char* least) {
  Bound b;
  if (p.contains(most)) b.at_most = p.at(most).get<double>();
  if (p.contains(least)) b.at_least = p.at(least).get<double>();
  if (!b.at_most && !b.at_least) throw attn::InputError(std::string("needs '") + most + "' or '" + least + "'");
  return b;
}

bool Bound::holds(double v) const { return (!at_most || v <= *at_most) && (!at_least || v >= *at_least); }

std::string Bound::text() const {
  std::string t;
  if (at_most) t += "<= " + number(*at_most);
  if (at_least) t += std::string(t.empty() ? "" : ", ") + ">= " + number(*at_least);
  return t;
}

std::string method_of(const ClaimContext& c, const json& p) {
  if (p.contains("method")) return p.at("method").get<std::string>();
  if (c.state.attention.methods.empty()) {
    const std::string id = c.claim.id.empty() ? "" : " (id '" + c.claim.id + "')";
    throw attn::InputError("the claim '" + c.claim.kind + "'" + id + " of step '" + c.step.title +
                           "' measures a method: it names none (params.method) and the step has none");
  }
  return c.state.attention.methods.front();
}

attn::AttentionSpec spec_of(const AppState& state, const std::string& method) {
  return make_attention_spec(state.attention, state.data.centre, attn::parse_method(method));
}

attn::AttentionSpec spec_of(const ClaimContext& c, const json& p) { return spec_of(c.state, method_of(c, p)); }

attn::Perturbation perturbation_of(const AppState& state, const LoadedData& data) {
  return make_perturbation(state.noise, data.query_count(), data.key_count());
}

attn::Weights<double> weights_for(const AppState& state, const LoadedData& data, const std::string& method,
                                  const attn::Perturbation& perturbation) {
  const attn::AttentionSpec spec = spec_of(state, method);
  const attn::Vectors<double> v = engine_vectors<double>(data);
  if (state.attention.use_double) return attn::compute_weights(v, spec, perturbation);
  return weights_as<double>(attn::compute_weights(v.cast<float>(), spec, perturbation));
}

const attn::MatD& points_of(const LoadedData& data) {
  if (data.weights_only) throw attn::InputError("needs vectors, not weight matrices");
  return data.queries;
}

std::vector<double> numbers_of(const json& list, const char* what) {
  std::vector<double> out;
  for (const auto& v : list) out.push_back(v.get<double>());
  if (out.size() < 2) throw attn::InputError(std::string(what) + " needs at least two values");
  return out;
}

std::vector<double> sorted_numbers_of(const json& list, const char* what) {
  std::vector<double> out = numbers_of(list, what);
  std::sort(out.begin(), out.end());
  return out;
}

std::string direction_of(const std::vector<double>& values, double tolerance) {
  double scale = 0.0;
  for (double v : values) scale = std::max(scale, std::abs(v));
  const double step_tolerance = tolerance * std::max(scale, 1e-300);
  bool up = false, down = false;
  for (std::size_t k = 1; k < values.size(); ++k) {
    const double step = values[k] - values[k - 1];
    if (!(std::abs(step) <= step_tolerance) && !std::isnan(step)) (step > 0.0 ? up : down) = true;
    if (std::isnan(step)) up = down = true;
  }
  if (up && down) return "goes up and down";
  if (up) return "rises";
  if (down) return "falls";
  return "stays flat";
}

bool direction_holds(const json& params, const char* name, const std::string& measured) {
  if (!params.contains(name)) return true;
  const std::string wanted = params.at(name).get<std::string>();
  if (wanted != "rises" && wanted != "falls" && wanted != "stays flat")
    throw attn::InputError(std::string("'") + name + "' must be \"rises\", \"falls\" or \"stays flat\"");
  return wanted == measured;
}

const WordSet& words_of(const ClaimContext& c) {
  if (!c.words) throw attn::InputError("needs the step's word set (view_options.words)");
  return *c.words;
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

}  // namespace ax
