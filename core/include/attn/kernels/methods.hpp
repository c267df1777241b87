// The ways a row of scores s_i. becomes a row of weights w_i.
//
// Ratio form, w_ij = F(s_ij) / sum_l F(s_il):
//   exp          F = e^s                         (softmax)
//   relu         F = max(s, 0)
//   power:P      F = max(s, 0)^P                 P > 0
//   linear       F = max(1 + s, 0)
//   softplus     F = log(1 + e^s)
//   sigmoid      F = 1 / (1 + e^-s)
//   exp-plus:C   F = C + e^s                     C >= 0; only c*exp is shift invariant
//   custom:EXPR  F = EXPR, a formula in z        evaluated with muParser
// Not of ratio form:
//   sparsemax    Euclidean projection of s onto the simplex (exact zeros)
//   entmax15     1.5-entmax, exact sort-based algorithm (exact zeros)
//   sinkhorn:K   K rounds of (normalise columns, then rows) of e^s; rows are normalised last
//   doubly-normalized  e^s normalised over queries, then over keys (Ding et al. 2020); by these
//                definitions it equals sinkhorn:1.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

class Formula;

enum class MethodKind {
  Exp,
  Relu,
  Power,
  Linear,
  Softplus,
  Sigmoid,
  ExpPlus,
  Custom,
  Sparsemax,
  Entmax15,
  Sinkhorn,
  DoublyNormalized,
};

struct Method {
  MethodKind kind = MethodKind::Exp;
  double parameter = 0.0;                  // P (power), C (exp-plus), K rounds (sinkhorn)
  std::shared_ptr<const Formula> formula;  // custom only

  // Canonical text, parseable by parse_method: "exp", "power:2", "custom:exp(z)".
  std::string spec() const;
  // Ratio form F / sum F.
  bool is_ratio_form() const;
  // Computed one row at a time (everything except sinkhorn and doubly-normalized, which
  // normalise columns too).
  bool is_row_wise() const;
};

// Parses "exp", "power:2", "custom:max(z,0)^2", ... Throws UsageError that names the problem:
// unknown method (listing the valid names), missing or bad parameter, formula syntax error.
Method parse_method(std::string_view spec);

// Parses a comma-separated list; commas inside parentheses belong to a custom formula.
std::vector<Method> parse_method_list(std::string_view specs);

// One line of the method catalogue, for listings (CLI `functions`, GUI pickers).
struct MethodInfo {
  MethodKind kind;
  std::string_view name;       // as typed, without parameter
  std::string_view syntax;     // e.g. "power:P"
  std::string_view formula;    // F(s) or a description of the normalisation
  std::string_view parameter;  // meaning and range of the parameter, empty when none
  std::string_view example;    // a complete spec used when the method is evaluated in listings
};

std::span<const MethodInfo> method_catalogue();
const MethodInfo& method_info(MethodKind kind);

}  // namespace attn
