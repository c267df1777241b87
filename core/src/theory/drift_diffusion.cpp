#include "attn/theory/drift_diffusion.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/random.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

void require_positive_alpha(double alpha) {
  if (!std::isfinite(alpha) || alpha <= 0.0) {
    throw UsageError("the kernel's alpha must be a finite number > 0 (got " + std::to_string(alpha) + ")");
  }
}

Weights<double> self_weights(const MatD& x, const AttentionSpec& spec) {
  if (spec.mask != Mask::None) throw UsageError("drift and diffusion are defined without a mask");
  Vectors<double> v;
  v.queries = x;
  return compute_weights(v, spec);
}

double variance(const Vec<double>& v) { return (v.array() - v.mean()).square().mean(); }

}  // namespace

Vec<double> kernel_log_density(const MatD& x, const MatD& at, double alpha) {
  detail::require_finite_points(x, "density estimate");
  detail::require_finite_points(at, "density estimate");
  require_positive_alpha(alpha);
  if (at.cols() != x.cols()) throw InputError("density estimate: the points and the places differ in dimension");
  Vec<double> out(at.rows());
  for (Index i = 0; i < at.rows(); ++i) {
    const Vec<double> log_k = -0.5 * alpha * (x.rowwise() - at.row(i)).rowwise().squaredNorm();
    const double top = log_k.maxCoeff();  // log-sum-exp, max subtracted
    out(i) = top + std::log((log_k.array() - top).exp().sum());
  }
  return out;
}

DriftCheck measure_drift(const MatD& x, const AttentionSpec& spec, double density_alpha) {
  detail::require_finite_points(x, "drift");
  require_positive_alpha(density_alpha);
  const Weights<double> w = self_weights(x, spec);
  MatD y = attention_outputs(w, x);
  for (Index i = 0; i < x.rows(); ++i) {
    if (!w.defined(i)) y.row(i) = x.row(i);  // no weights: the point stays
  }
  DriftCheck out;
  out.displacement = y - x;
  out.points = x.rows();
  const Vec<double> before = kernel_log_density(x, x, density_alpha);
  const Vec<double> after = kernel_log_density(x, y, density_alpha);
  // A point that does not move keeps its density exactly; rounding of a moved point's density
  // is ~1e-15 relative, far below any real rise.
  for (Index i = 0; i < x.rows(); ++i) out.uphill += after(i) >= before(i) - 1e-12 * std::max(1.0, std::abs(before(i)));
  const double h = 1e-5 * std::max(1.0, x.cwiseAbs().maxCoeff());
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index k = 0; k < x.cols(); ++k) {
      MatD plus = x.row(i), minus = x.row(i);
      plus(0, k) += h;
      minus(0, k) -= h;
      const double gradient =
          (kernel_log_density(x, plus, density_alpha)(0) - kernel_log_density(x, minus, density_alpha)(0)) / (2 * h);
      out.largest_gradient_mismatch =
          std::max(out.largest_gradient_mismatch, std::abs(out.displacement(i, k) - gradient / density_alpha));
    }
  }
  return out;
}

Diffusion diffuse_values(const MatD& x, const AttentionSpec& spec, int steps, std::uint64_t seed) {
  detail::require_finite_points(x, "diffusion");
  if (steps < 0) throw UsageError("the number of diffusion steps must be >= 0 (got " + std::to_string(steps) + ")");
  Weights<double> w = self_weights(x, spec);
  for (Index i = 0; i < x.rows(); ++i) {
    if (w.defined(i)) continue;
    w.matrix.row(i).setZero();  // no weights: the point keeps its value
    w.matrix(i, i) = 1.0;
  }
  Diffusion out;
  Vec<double> smooth = x.col(0);
  const double sd = std::sqrt(variance(smooth));
  smooth = (smooth.array() - smooth.mean()) / (sd > 0.0 ? sd : 1.0);
  Rng rng(seed);
  Vec<double> rough(x.rows());
  for (Index i = 0; i < x.rows(); ++i) rough(i) = rng.uniform() < 0.5 ? -1.0 : 1.0;
  const double smooth0 = variance(smooth), rough0 = variance(rough);
  out.smooth.push_back(smooth);
  out.rough.push_back(rough);
  for (int k = 0; k <= steps; ++k) {
    if (k > 0) {
      out.smooth.push_back(w.matrix * out.smooth.back());
      out.rough.push_back(w.matrix * out.rough.back());
    }
    out.smooth_kept.push_back(smooth0 > 0.0 ? variance(out.smooth.back()) / smooth0 : 0.0);
    out.rough_kept.push_back(rough0 > 0.0 ? variance(out.rough.back()) / rough0 : 0.0);
  }
  return out;
}

}  // namespace attn
