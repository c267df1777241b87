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
// After softmax: the alternatives recent models use. Rows of the first four need not sum to 1: a
// row that holds almost nothing is a result (the row declines to attend), not an undefined row.
//   sigmoid-attn[:B]  w_ij = sigmoid(s_ij + b), no normalisation (Ramapuram et al. 2024);
//                b = -log n (n = #keys) unless given
//   softmax1     w_j = e^{s_j} / (1 + sum_l e^{s_l}): softmax with an implicit zero logit
//   softpick     w_j = relu(e^{s_j} - 1) / sum_l |e^{s_l} - 1| (Zuhri et al. 2025)
//   stick-breaking  beta_ij = sigmoid(s_ij), w_ij = beta_ij prod_{j<k<=i} (1 - beta_ik) (Tan et
//                al. 2024), the sticks broken from the query's own position backwards; needs the
//                causal mask (the order of the keys before the query is the method)
//   ssmax:C      softmax(C log(n_i) s) with n_i the keys row i attends (Nakanishi 2025)
// Computed from Q and K by a feature map, not as a function of the score:
//   linear-attn  w_ij = phi(q_i).phi(k_j) / sum_l phi(q_i).phi(k_l), phi = elu + 1
//                (Katharopoulos et al. 2020), on the score's two factors (see feature_maps.hpp)
//   performer:m[:SEED]  positive random features (Choromanski et al. 2020): m features
//                phi(x) = exp(w_r.x - |x|^2/2) / sqrt(m), w_r ~ N(0, I) drawn from SEED, so that
//                E[phi(q).phi(k)] = e^{q.k}; w_ij = phi(q_i).phi(k_j) / sum_l phi(q_i).phi(k_l)
#pragma once

#include <cstdint>
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
  SigmoidAttention,
  Softmax1,
  Softpick,
  StickBreaking,
  LengthScaled,
  LinearAttention,
  RandomFeatures,
};

struct Method {
  MethodKind kind = MethodKind::Exp;
  // P (power), C (exp-plus), K rounds (sinkhorn), b (sigmoid-attn), c (ssmax), m features
  // (performer).
  double parameter = 0.0;
  bool parameter_given = true;             // sigmoid-attn without b: b = -log n
  std::uint64_t seed = 0;                  // performer: the random features' seed
  std::shared_ptr<const Formula> formula;  // custom only

  // Canonical text, parseable by parse_method: "exp", "power:2", "custom:exp(z)".
  std::string spec() const;
  // Ratio form F / sum F.
  bool is_ratio_form() const;
  // Computed one row at a time (everything except sinkhorn and doubly-normalized, which
  // normalise columns too).
  bool is_row_wise() const;
  // Every defined row sums to 1 (false for sigmoid-attn, softmax1, softpick, stick-breaking).
  bool rows_sum_to_one() const;
  // Computed from Q and K by a feature map (linear-attn, performer): no function of the scores.
  bool is_feature_map() const;
  // Defined only with the causal mask (stick-breaking).
  bool needs_causal_mask() const;
};

// Parses "exp", "power:2", "custom:max(z,0)^2", ... Throws UsageError that names the problem:
// unknown method (listing the valid names), missing or bad parameter, formula syntax error.
Method parse_method(std::string_view spec);

// Parses a comma-separated list; commas inside parentheses belong to a custom formula.
std::vector<Method> parse_method_list(std::string_view specs);

// One line of the method catalogue, for listings (CLI `functions`, GUI pickers).
struct MethodInfo {
  MethodKind kind;
  std::string_view name;            // as typed, without parameter
  std::string_view syntax;          // e.g. "power:P"
  std::string_view formula;         // F(s) or a description of the normalisation
  std::string_view parameter;       // meaning and range of the parameter, empty when none
  std::string_view example;         // a complete spec used when the method is evaluated in listings
  bool parameter_optional = false;  // the parameter has a default (sigmoid-attn's b = -log n)
};

std::span<const MethodInfo> method_catalogue();
const MethodInfo& method_info(MethodKind kind);

}  // namespace attn
