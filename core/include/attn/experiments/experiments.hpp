// Experiments: what a perturbation does to the weights of each method.
//
// All are multi-threaded and give the same numbers for a seed on any thread count.
#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "attn/base/progress.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {

// ---- Invariance sweep: W(M) against W(0) for every method and constant shift M. ----

struct InvarianceResult {
  std::string method;  // canonical spec
  double shift = 0.0;
  Deviation deviation;
};

// Results are ordered method by method, shifts in the given order. `base` gives the score, alpha,
// mask, centring and max subtraction; its method is replaced by each of `methods`.
template <class T>
std::vector<InvarianceResult> invariance_sweep(const Vectors<T>& vectors, const AttentionSpec& base,
                                               std::span<const Method> methods, std::span<const double> shifts,
                                               const ProgressReporter& progress = {});
template <class T>
std::vector<InvarianceResult> invariance_sweep(const Vectors<T>& vectors, ScoreKind score, double alpha, Mask mask,
                                               std::span<const Method> methods, std::span<const double> shifts);

// ---- Shift response of a method, decided by evaluating it. ----

struct ShiftResponse {
  double constant = 0.0;    // max |W(s + 1) - W(s)|; NaN when no row is defined or the shift is refused
  double per_row = 0.0;     // max |W(s + r_i) - W(s)|
  double per_column = 0.0;  // max |W(s + c_j) - W(s)|
  // The row masses sum_j w_ij of the unshifted weights (1 and 1 for methods that normalise).
  double min_row_mass = 1.0, max_row_mass = 1.0;
  Mask mask = Mask::None;  // the mask of the probe: causal for methods that need it
  std::string refused;     // why the shifts cannot be applied (linear-attn takes no scores), or empty
  static constexpr double kTolerance = 1e-9;
  bool constant_invariant() const { return constant <= kTolerance; }
  bool row_invariant() const { return per_row <= kTolerance; }
  bool column_invariant() const { return per_column <= kTolerance; }
};

// Evaluates `method` in double precision on fixed random scores (16 x 16, mostly positive so
// that relu-like methods are defined) with and without shifts. Feature-map methods are evaluated
// on fixed random vectors (16 queries and 16 keys of dimension 8, dot score) with the same shifts
// as a perturbation (feature_maps.hpp says how each reaches them).
ShiftResponse probe_shift_response(const Method& method);

// ---- Monte Carlo noise study: K draws of vector noise. ----

struct NoiseStudyConfig {
  double global_rms = 0.0;
  double local_rms = 0.0;
  NoiseTarget target = NoiseTarget::Both;
  int draws = 100;
  std::uint64_t seed = 0;
};

// Over the draws that measured something (a draw with every row undefined is left out); NaN when
// no draw did.
struct Summary {
  double mean = 0.0;
  double stddev = 0.0;  // sample standard deviation over draws (0 for one draw)
  double min = 0.0;
  double max = 0.0;
};

// Mean, sample standard deviation (NaN when the mean is not finite), min and max.
Summary summarize(std::span<const double> values);

struct NoiseStudyRow {
  std::string method;
  Summary max_abs_diff, mean_tv, mean_kl, frobenius;
  // Mean row TV between the average of the perturbed weights over the draws and the clean
  // weights: the bias of the method under this noise (small for exp: its weights ignore the shared part of the noise).
  double bias_tv = 0.0;
  Index undefined_rows = 0;  // summed over draws
};

struct NoiseStudyResult {
  std::vector<NoiseStudyRow> rows;  // one per method, in the given order
  int draws = 0;
  ExpectedShift expected_shift;  // s_g^2 d for dot scores, before alpha
};

template <class T>
NoiseStudyResult noise_study(const Vectors<T>& vectors, const AttentionSpec& base, std::span<const Method> methods,
                             const NoiseStudyConfig& config, const ProgressReporter& progress = {});
template <class T>
NoiseStudyResult noise_study(const Vectors<T>& vectors, ScoreKind score, double alpha, Mask mask,
                             std::span<const Method> methods, const NoiseStudyConfig& config,
                             const ProgressReporter& progress = {});

}  // namespace attn
