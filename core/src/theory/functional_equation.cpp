#include "attn/theory/functional_equation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/kernels/functions.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_values(std::span<const double> values, const char* what) {
  if (values.empty()) throw UsageError(std::string(what) + " needs at least one value");
  for (double v : values) {
    if (!std::isfinite(v)) throw UsageError(std::string("every value of ") + what + " must be a finite number");
  }
}

// F_alpha at each point (F(alpha a)); throws UsageError for methods without F.
std::vector<double> f_alpha(const Method& method, double alpha, std::span<const double> a) {
  std::vector<double> z(a.begin(), a.end());
  for (double& v : z) v *= alpha;
  return evaluate_ratio_function(method, z);
}

// F(a + M) / F(a), NaN when it does not exist (F(a) = 0, or a value that is not finite).
double ratio_of(double shifted, double base) {
  if (!(base > 0.0) || !std::isfinite(base) || !std::isfinite(shifted)) return kNaN;
  return shifted / base;
}

// (max - min) / |mean|, NaN if any value is NaN.
double relative_range(const std::vector<double>& v) {
  double lo = INFINITY, hi = -INFINITY, sum = 0.0;
  for (double x : v) {
    if (std::isnan(x)) return kNaN;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  const double mean = sum / static_cast<double>(v.size());
  return mean != 0.0 ? (hi - lo) / std::abs(mean) : kNaN;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double d = std::abs(a[k] - b[k]);
    if (std::isnan(d)) return kNaN;
    worst = std::max(worst, d);
  }
  return worst;
}

double log_kernel(DistanceKernel kernel, double distance, double tau) {
  return kernel == DistanceKernel::Gaussian ? -distance * distance / (2.0 * tau) : -distance / tau;
}

// Row-normalised exp(logits), max-subtracted.
MatD normalise_rows(MatD logits) {
  for (Index i = 0; i < logits.rows(); ++i) {
    logits.row(i).array() -= logits.row(i).maxCoeff();
    logits.row(i) = logits.row(i).array().exp().matrix();
    logits.row(i) /= logits.row(i).sum();
  }
  return logits;
}

}  // namespace

RatioCurve shift_ratio_along_a(const Method& method, double alpha, double shift, std::span<const double> a) {
  require_values(a, "the ratio curve");
  if (!std::isfinite(alpha) || !std::isfinite(shift)) throw UsageError("alpha and the shift must be finite numbers");
  std::vector<double> shifted(a.begin(), a.end());
  for (double& v : shifted) v += shift;
  const std::vector<double> base = f_alpha(method, alpha, a), moved = f_alpha(method, alpha, shifted);
  RatioCurve out;
  out.a.assign(a.begin(), a.end());
  for (std::size_t k = 0; k < a.size(); ++k) {
    out.ratio.push_back(ratio_of(moved[k], base[k]));
    out.undefined += std::isnan(out.ratio.back());
  }
  out.relative_range = relative_range(out.ratio);
  return out;
}

RatioFamily shift_ratio_family(const Method& method, double alpha, std::span<const double> a,
                               std::span<const double> shifts) {
  require_values(a, "the ratio family (a)");
  require_values(shifts, "the ratio family (shifts)");
  RatioFamily out;
  out.a.assign(a.begin(), a.end());
  out.shifts.assign(shifts.begin(), shifts.end());
  for (double a_k : a)
    out.ratio.push_back(shift_ratio_along_a(method, alpha, 0.0, std::span<const double>(&a_k, 1)).ratio);
  out.ratio.clear();
  for (double a_k : a) {
    std::vector<double> row;
    for (double m : shifts)
      row.push_back(shift_ratio_along_a(method, alpha, m, std::span<const double>(&a_k, 1)).ratio[0]);
    out.ratio.push_back(std::move(row));
  }
  out.spread = 0.0;
  for (std::size_t m = 0; m < shifts.size(); ++m) {
    std::vector<double> across;
    for (const auto& row : out.ratio) across.push_back(row[m]);
    const double r = relative_range(across);
    if (std::isnan(r)) {
      out.spread = kNaN;
      break;
    }
    out.spread = std::max(out.spread, r);
  }
  return out;
}

LogDerivative log_derivative(const Method& method, double alpha, std::span<const double> a, double a0, double h) {
  require_values(a, "the log-derivative");
  if (!(h > 0.0) || !std::isfinite(h) || !std::isfinite(a0)) throw UsageError("the step h must be a finite number > 0");
  auto log_f = [&](double x) {
    const double f = f_alpha(method, alpha, std::span<const double>(&x, 1))[0];
    return f > 0.0 && std::isfinite(f) ? std::log(f) : kNaN;
  };
  LogDerivative out;
  out.a.assign(a.begin(), a.end());
  out.a0 = a0;
  // g(M) = F(a0 + M) / F(a0): g'(0) by a central difference.
  const double f0 = std::exp(log_f(a0));
  out.g_prime_0 = (std::exp(log_f(a0 + h)) - std::exp(log_f(a0 - h))) / (2.0 * h * f0);
  const double log_f0 = log_f(a0);
  for (double x : a) {
    out.log_derivative.push_back((log_f(x + h) - log_f(x - h)) / (2.0 * h));
    out.log_f.push_back(log_f(x) - log_f0);
    out.line.push_back(out.g_prime_0 * (x - a0));
  }
  out.spread = max_abs_difference(out.log_derivative, std::vector<double>(a.size(), out.g_prime_0));
  if (std::isnan(out.g_prime_0)) out.spread = kNaN;
  out.line_residual = max_abs_difference(out.log_f, out.line);
  return out;
}

DistanceKernel parse_distance_kernel(const std::string& name) {
  static constexpr NameOf<DistanceKernel> kNames[] = {{DistanceKernel::Gaussian, "gaussian"},
                                                      {DistanceKernel::Laplace, "laplace"}};
  return parse_name(kNames, name, "distance kernel");
}

DistanceFormCheck distance_form_check(const MatD& x, DistanceKernel kernel, double tau) {
  detail::require_finite_points(x, "distance form");
  if (!(tau > 0.0) || !std::isfinite(tau)) throw UsageError("tau must be a finite number > 0");
  const Index n = x.rows();
  const Vec<double> norms = x.rowwise().squaredNorm();
  DistanceFormCheck out;
  out.C = norms.mean();
  out.norm_spread = out.C > 0.0 ? (norms.maxCoeff() - norms.minCoeff()) / out.C : 0.0;
  const MatD dots = x * x.transpose();
  MatD by_distance(n, n), by_dot(n, n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) {
      by_distance(i, j) = log_kernel(kernel, (x.row(i) - x.row(j)).norm(), tau);
      by_dot(i, j) = log_kernel(kernel, std::sqrt(std::max(2.0 * out.C - 2.0 * dots(i, j), 0.0)), tau);
    }
  }
  out.max_abs_diff = (normalise_rows(by_distance) - normalise_rows(by_dot)).cwiseAbs().maxCoeff();
  return out;
}

MappedFunction distance_form_function(DistanceKernel kernel, double C, double tau, std::span<const double> z) {
  require_values(z, "the mapped function");
  if (!(tau > 0.0) || !std::isfinite(tau) || !(C >= 0.0)) throw UsageError("tau must be > 0 and C >= 0");
  MappedFunction out;
  out.z.assign(z.begin(), z.end());
  for (double v : z) out.log_f.push_back(log_kernel(kernel, std::sqrt(std::max(2.0 * C - 2.0 * v, 0.0)), tau));
  const double z0 = z.front(), z1 = z.back();
  const double slope = z1 != z0 ? (out.log_f.back() - out.log_f.front()) / (z1 - z0) : 0.0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    out.line_residual = std::max(out.line_residual, std::abs(out.log_f[k] - (out.log_f.front() + slope * (z[k] - z0))));
  }
  return out;
}

}  // namespace attn
