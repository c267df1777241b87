#include "attn/theory/measure_duplication.hpp"

#include <string>

#include "attn/base/errors.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

struct Outputs {
  MatD y;
  Weights<double> w;
};

Outputs outputs_over(const MatD& queries, const MatD& tokens, const AttentionSpec& spec) {
  Vectors<double> v;
  v.queries = queries;
  v.keys = tokens;
  Outputs out{MatD(), compute_weights(v, spec)};
  out.y = attention_outputs(out.w, tokens);
  return out;
}

double largest_change(const MatD& a, const MatD& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

Duplication duplication_effect(const MatD& x, const AttentionSpec& spec, Index token) {
  detail::require_finite_points(x, "duplication");
  if (token < 0 || token >= x.rows()) {
    throw UsageError("the token to duplicate must be in 0.." + std::to_string(x.rows() - 1) + " (got " +
                     std::to_string(token) + ")");
  }
  if (spec.mask != Mask::None) throw UsageError("duplication is defined without a mask");
  MatD all(2 * x.rows(), x.cols());
  all << x, x;
  MatD one(x.rows() + 1, x.cols());
  one << x, x.row(token);
  const Outputs base = outputs_over(x, x, spec);
  const Outputs doubled = outputs_over(x, all, spec);
  const Outputs single = outputs_over(x, one, spec);
  Duplication out;
  out.outputs = base.y;
  out.outputs_all_doubled = doubled.y;
  out.outputs_one_doubled = single.y;
  out.all_max_change = largest_change(doubled.y, base.y);
  out.one_max_change = largest_change(single.y, base.y);
  out.token_weight = base.w.matrix.col(token).mean();
  out.token_weight_doubled = (single.w.matrix.col(token) + single.w.matrix.col(x.rows())).mean();
  return out;
}

}  // namespace attn
