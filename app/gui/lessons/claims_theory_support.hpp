// Helpers shared by the theory claim kinds (claims_propagation.cpp, claims_words.cpp).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "attn/base/errors.hpp"
#include "compute/compute_request.hpp"
#include "lessons/claims_theory.hpp"

namespace ax::theory {

inline std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

// The claim's method: params.method, else the step's first method.
inline std::string method_name(const ClaimContext& c, const nlohmann::json& p) {
  if (p.contains("method")) return p.at("method").get<std::string>();
  return c.state.attention.methods.empty() ? "exp" : c.state.attention.methods.front();
}

inline attn::AttentionSpec spec_of(const ClaimContext& c, const nlohmann::json& p) {
  return make_attention_spec(c.state.attention, c.state.data.centre, attn::parse_method(method_name(c, p)));
}

inline const attn::MatD& points_of(const LoadedData& data) {
  if (data.weights_only) throw attn::InputError("needs vectors, not weight matrices");
  return data.queries;
}

// Bounds named `most` and `least` (at least one must be given).
struct Limits {
  std::optional<double> at_most, at_least;
  Limits(const nlohmann::json& p, const char* most, const char* least) {
    if (p.contains(most)) at_most = p.at(most).get<double>();
    if (p.contains(least)) at_least = p.at(least).get<double>();
    if (!at_most && !at_least) throw attn::InputError(std::string("needs '") + most + "' or '" + least + "'");
  }
  bool hold(double v) const { return (!at_most || v <= *at_most) && (!at_least || v >= *at_least); }
  std::string text() const {
    std::string t;
    if (at_most) t += "<= " + number(*at_most);
    if (at_least) t += std::string(t.empty() ? "" : ", ") + ">= " + number(*at_least);
    return "claim " + t;
  }
};

}  // namespace ax::theory
