#include "attn/theory/lipschitz.hpp"

#include <cmath>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/random.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

void require_supported(const MatD& x, const AttentionSpec& spec) {
  detail::require_finite_points(x, "Lipschitz estimate");
  if (spec.method.kind != MethodKind::Exp) {
    throw UsageError("the Jacobian of attention is implemented for softmax (method exp) only");
  }
  if (spec.score == ScoreKind::Cosine)
    throw UsageError("the Jacobian of attention supports dot, scaled-dot and neg-sqdist scores");
  if (spec.mask != Mask::None || spec.centre)
    throw UsageError("the Jacobian of attention supports no mask and no centring");
}

void require_same_shape(const MatD& x, const MatD& m, const char* what) {
  if (m.rows() != x.rows() || m.cols() != x.cols()) {
    throw InputError(std::string(what) + " must have the shape of X (" + std::to_string(x.rows()) + " by " +
                     std::to_string(x.cols()) + ")");
  }
}

// The factor c of the score: dot products c x_i.x_j, or squared distances -c |x_i - x_j|^2 / 2.
double score_factor(const MatD& x, const AttentionSpec& spec) {
  return spec.score == ScoreKind::ScaledDot ? spec.alpha / std::sqrt(static_cast<double>(x.cols())) : spec.alpha;
}

MatD softmax_weights(const MatD& x, const AttentionSpec& spec) {
  Vectors<double> v;
  v.queries = x;
  return compute_weights(v, spec).matrix;
}

}  // namespace

MatD attention_jvp(const MatD& x, const AttentionSpec& spec, const MatD& dx) {
  require_supported(x, spec);
  require_same_shape(x, dx, "the direction dX");
  const MatD w = softmax_weights(x, spec);
  const double c = score_factor(x, spec);
  MatD ds;
  if (spec.score == ScoreKind::NegSqDist) {
    // dS_ij = -c (x_i - x_j).(dx_i - dx_j)
    const MatD cross = x * dx.transpose();  // x_i.dx_j
    const Vec<double> self = cross.diagonal();
    ds = -c * (self.replicate(1, x.rows()) + self.transpose().replicate(x.rows(), 1) - cross - cross.transpose());
  } else {
    const MatD cross = dx * x.transpose();
    ds = c * (cross + cross.transpose());
  }
  // Softmax: dW_ij = W_ij (dS_ij - sum_l W_il dS_il).
  const Vec<double> mean = (w.array() * ds.array()).rowwise().sum();
  const MatD dw = w.array() * (ds.colwise() - mean).array();
  return dw * x + w * dx;
}

MatD attention_vjp(const MatD& x, const AttentionSpec& spec, const MatD& g) {
  require_supported(x, spec);
  require_same_shape(x, g, "the gradient G");
  const MatD w = softmax_weights(x, spec);
  const double c = score_factor(x, spec);
  const MatD gw = g * x.transpose();  // dL/dW
  const Vec<double> mean = (w.array() * gw.array()).rowwise().sum();
  const MatD gs = w.array() * (gw.colwise() - mean).array();  // dL/dS
  MatD out = w.transpose() * g;
  if (spec.score == ScoreKind::NegSqDist) {
    const Vec<double> sums = gs.rowwise().sum() + gs.colwise().sum().transpose();
    out += -c * (x.array().colwise() * sums.array()).matrix() + c * (gs + gs.transpose()) * x;
  } else {
    out += c * (gs + gs.transpose()) * x;
  }
  return out;
}

LipschitzEstimate largest_singular_value(const MatD& x, const AttentionSpec& spec, int max_iterations, double tolerance,
                                         std::uint64_t seed) {
  require_supported(x, spec);
  detail::require_positive_count(max_iterations, "the number of power iterations");
  Rng rng(seed);
  MatD v(x.rows(), x.cols());
  for (Index k = 0; k < v.size(); ++k) v.data()[k] = rng.normal();
  v /= v.norm();
  LipschitzEstimate out;
  for (int it = 1; it <= max_iterations; ++it) {
    const MatD jv = attention_jvp(x, spec, v);
    const double estimate = jv.norm();  // |J v| with |v| = 1: a lower bound that rises to sigma_max
    MatD next = attention_vjp(x, spec, jv);
    const double size = next.norm();
    out.relative_change = std::abs(estimate - out.largest_singular_value) / std::max(estimate, 1e-300);
    out.largest_singular_value = estimate;
    out.iterations = it;
    if (size == 0.0) break;  // J v = 0: J is zero along v; the start was in the null space
    v = next / size;
    if (out.relative_change < tolerance) break;
  }
  return out;
}

}  // namespace attn
