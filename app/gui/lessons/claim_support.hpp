// Helpers every claim kind may use, written once: numbers in messages, bounds, the method a claim
// measures, attention specs and weights for the step's settings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/kernels/attention.hpp"
#include "attn/theory/smoothing_study.hpp"
#include "lessons/claims.hpp"

namespace ax {

// A number as claims print it: 3 significant digits.
std::string number(double v);

// A bound given as two optional params, by default "at_most" and "at_least"; at least one must be given.
struct Bound {
  std::optional<double> at_most, at_least;
  static Bound from(const nlohmann::json& params, const char* most = "at_most", const char* least = "at_least");
  bool holds(double v) const;
  std::string text() const;  // "<= 1e-12, >= 0.5"
};

// The method a claim measures: params.method, else the step's first method. There is no other
// default: a step with no method and a claim that names none is an error that names both.
std::string method_of(const ClaimContext& c, const nlohmann::json& params);

attn::AttentionSpec spec_of(const AppState& state, const std::string& method);
// The spec of the claim's method (method_of) under the step's score, alpha, mask and centring.
attn::AttentionSpec spec_of(const ClaimContext& c, const nlohmann::json& params);

attn::Perturbation perturbation_of(const AppState& state, const LoadedData& data);

// Weights of `method` in the precision the step asks for, as double.
attn::Weights<double> weights_for(const AppState& state, const LoadedData& data, const std::string& method,
                                  const attn::Perturbation& perturbation);

// The data's points; throws for data that are weight matrices, not vectors.
const attn::MatD& points_of(const LoadedData& data);

// A list of at least two numbers, in the order given; `what` names it in the error.
std::vector<double> numbers_of(const nlohmann::json& list, const char* what);
// The same, sorted.
std::vector<double> sorted_numbers_of(const nlohmann::json& list, const char* what);

// Which way a measured sequence goes, as a lesson sentence says it: "rises" (every step up),
// "falls" (every step down), "stays flat" (no step beyond `tolerance`, relative to the largest
// |value|) or "goes up and down". A direction a lesson states comes from here, never from typed words.
std::string direction_of(const std::vector<double>& values, double tolerance = 1e-12);

// The claim's "<name>" param, when given, names the direction the values must take ("rises" or
// "falls"): true when it is absent or matches `measured`. Throws for another word.
bool direction_holds(const nlohmann::json& params, const char* name, const std::string& measured);

// The step's word set; throws when the step has none.
const WordSet& words_of(const ClaimContext& c);

// Two-class data as a classification claim or view describes it (missing keys keep the defaults).
attn::TwoClassData two_class_config(const nlohmann::json& description);

}  // namespace ax
