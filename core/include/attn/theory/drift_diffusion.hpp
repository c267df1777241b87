// Ruan & Zhang: one Gaussian-kernel attention step is drift plus diffusion. The points move up
// the kernel density estimate of the data (drift: the mean-shift step y_i - x_i equals
// grad log p(x_i) / alpha), and values carried by fixed points are smoothed (diffusion: repeated
// steps damp a rough pattern much faster than a smooth one, like heat flow).
//
// Shapes: X is n by d (one point per row). Errors: InputError for no points or non-finite
// coordinates; UsageError for alpha <= 0, steps < 0 or a mask.
#pragma once

#include <cstdint>
#include <vector>

#include "attn/kernels/attention.hpp"

namespace attn {

// log p(q_i) = log sum_j exp(-alpha |q_i - x_j|^2 / 2) for each row q_i of `at` (unnormalised
// Gaussian kernel density estimate of the points X; the same kernel as score neg-sqdist).
Vec<double> kernel_log_density(const MatD& x, const MatD& at, double alpha);

struct DriftCheck {
  MatD displacement;  // y_i - x_i after one step with `spec`
  Index uphill = 0;   // points whose estimated density rose (or stayed) after the step
  Index points = 0;
  // max_i |y_i - x_i - grad log p(x_i) / density_alpha|, the gradient by central differences:
  // rounding-small for score neg-sqdist with alpha = density_alpha (the step is a mean shift).
  double largest_gradient_mismatch = 0.0;
};
// One step of `spec` on X, checked against the density estimate with `density_alpha`.
DriftCheck measure_drift(const MatD& x, const AttentionSpec& spec, double density_alpha);

struct Diffusion {
  // Values on the fixed points after 0, 1, ..., steps applications of W(X): v <- W v.
  std::vector<Vec<double>> smooth, rough;
  // Variance kept after each step (element 0 is 1): var(v_k) / var(v_0).
  std::vector<double> smooth_kept, rough_kept;
};
// Two patterns carried by the points: smooth = the first coordinate (standardised), rough = a
// random sign per point from `seed`. The points do not move; only the values are averaged.
Diffusion diffuse_values(const MatD& x, const AttentionSpec& spec, int steps, std::uint64_t seed);

}  // namespace attn
