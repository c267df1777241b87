// Alam et al.'s derivation, one measurable step at a time, for any ratio-form F (weights
// F(s_ij) / sum_l F(s_il)), with F_alpha(a) = F(alpha a):
//   1. invariance to a common shift M needs F(a + M) / F(a) to be the same for every a;
//   2. that ratio is then a function g(M) of M alone;
//   3. differentiating at M = 0 gives F'(a) / F(a) = g'(0) =: alpha for every a;
//   4. hence ln F(a) = ln F(a0) + alpha (a - a0): F = c exp(alpha a).
// And the distance form they start from: with equal norms |x|^2 = C, a kernel f of the distance is
// a function of the dot product, F(z) = f(sqrt(2C - 2z)).
//
// Errors: UsageError for an empty list, a non-finite value, a step h <= 0, tau <= 0, or a method
// that is not of ratio form; InputError for points that are empty or not finite.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"

namespace attn {

// ---- 1. r(a) = F_alpha(a + M) / F_alpha(a) along a, for one shift M.
struct RatioCurve {
  std::vector<double> a, ratio;  // ratio is NaN where F(a) = 0 or a value is not finite
  // (max - min) / mean of the ratio over a: 0 (up to rounding) only when the ratio is flat.
  // NaN when any point is undefined: a ratio that does not exist is not flat.
  double relative_range = 0.0;
  Index undefined = 0;
};
RatioCurve shift_ratio_along_a(const Method& method, double alpha, double shift, std::span<const double> a);

// ---- 2. The same ratio as a function of M, one curve per a. When it depends on M alone, the
// curves coincide: g(M).
struct RatioFamily {
  std::vector<double> a, shifts;
  std::vector<std::vector<double>> ratio;  // ratio[k][m]: a[k], shifts[m]
  // max over M of (max over a - min over a) / mean over a; NaN when any value is undefined.
  double spread = 0.0;
};
RatioFamily shift_ratio_family(const Method& method, double alpha, std::span<const double> a,
                               std::span<const double> shifts);

// ---- 3 and 4. F'(a) / F(a) from central differences of ln F (step h), against
// g'(0) = d/dM [F(a0 + M) / F(a0)] at M = 0; and ln F(a) - ln F(a0) against the line g'(0)(a - a0).
struct LogDerivative {
  std::vector<double> a, log_derivative;  // NaN where F <= 0 near a
  double a0 = 0.0;
  double g_prime_0 = 0.0;
  double spread = 0.0;              // max |F'/F - g'(0)| over a (NaN if undefined anywhere)
  std::vector<double> log_f, line;  // ln F(a) - ln F(a0) and g'(0) (a - a0)
  double line_residual = 0.0;       // max |log_f - line| (NaN if undefined anywhere)
};
LogDerivative log_derivative(const Method& method, double alpha, std::span<const double> a, double a0, double h);

// ---- The distance form mapped to dot products.
enum class DistanceKernel {
  Gaussian,  // f(d) = exp(-d^2 / (2 tau)): F(z) = exp(-(C - z) / tau) = c exp(z / tau)
  Laplace,   // f(d) = exp(-d / tau): F(z) = exp(-sqrt(2C - 2z) / tau), not an exponential of z
};
DistanceKernel parse_distance_kernel(const std::string& name);

struct DistanceFormCheck {
  double C = 0.0;            // mean |x_i|^2
  double norm_spread = 0.0;  // (max |x_i|^2 - min |x_i|^2) / C: 0 when every norm is the same
  // Weights f(|x_i - x_j|) / sum_l f(|x_i - x_l|) against F(x_i . x_j) / sum_l F(x_i . x_l) with
  // F(z) = f(sqrt(max(2C - 2z, 0))): equal (up to rounding) when the norms are equal.
  double max_abs_diff = 0.0;
};
DistanceFormCheck distance_form_check(const MatD& x, DistanceKernel kernel, double tau);

// ln F(z) of the mapped function at each z, and how far it is from a straight line in z (the line
// through the first and last point): 0 for the Gaussian kernel, whose F is an exponential.
struct MappedFunction {
  std::vector<double> z, log_f;
  double line_residual = 0.0;
};
MappedFunction distance_form_function(DistanceKernel kernel, double C, double tau, std::span<const double> z);

}  // namespace attn
