// Scalar definitions of F and log F shared by the weight kernels and the F(z) curves
// (internal to core). Each log F is stable for every finite s.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

namespace attn::detail {

template <class T>
constexpr T softplus_tail();

template <class T>
T log_softplus(T s) {
  // For s far below zero log(1 + e^s) = e^s (1 - e^s/2 + ...), so log F = s to within e^s/2,
  // below the precision of T; evaluating it directly would underflow to log(0).
  if (s < softplus_tail<T>()) return s;
  const T softplus = s > T(0) ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
  return std::log(softplus);
}

template <class T>
T log_sigmoid(T s) {
  // log(1 / (1 + e^-s)) = -softplus(-s)
  return -(std::max(-s, T(0)) + std::log1p(std::exp(-std::abs(s))));
}

template <class T>
T log_exp_plus(T s, T log_c) {
  // log(C + e^s) = logaddexp(log C, s)
  if (log_c == -std::numeric_limits<T>::infinity()) return s;
  const T hi = std::max(s, log_c);
  const T lo = std::min(s, log_c);
  return hi + std::log1p(std::exp(lo - hi));
}

// ---- The same definitions over whole rows, vectorised by Eigen (the weight kernels' path). ----

// Valid where every s >= softplus_tail<T>(); below it use log_softplus (the caller checks).
template <class T>
constexpr T softplus_tail() {
  return std::is_same_v<T, float> ? T(-17) : T(-37);
}

template <class Derived>
auto log_softplus_array(const Eigen::ArrayBase<Derived>& s) {
  using T = typename Derived::Scalar;
  return (s.max(T(0)) + (-s.abs()).exp().log1p()).log();
}

template <class Derived>
auto log_sigmoid_array(const Eigen::ArrayBase<Derived>& s) {
  using T = typename Derived::Scalar;
  return -((-s).max(T(0)) + (-s.abs()).exp().log1p());
}

// log_c must be finite (C > 0); C = 0 is plain exp and handled by the caller.
template <class Derived>
auto log_exp_plus_array(const Eigen::ArrayBase<Derived>& s, typename Derived::Scalar log_c) {
  return s.max(log_c) + (s.min(log_c) - s.max(log_c)).exp().log1p();
}

}  // namespace attn::detail
