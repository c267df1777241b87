#include "kernels/row_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "attn/kernels/formula.hpp"
#include "base/streaming_store.hpp"
#include "kernels/beyond_softmax_rows.hpp"
#include "kernels/scalar_functions.hpp"

namespace attn::detail {
namespace {

template <class T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;

template <class T>
constexpr T kInf = std::numeric_limits<T>::infinity();

// Eigen's packets (AVX-512, AVX, SSE, NEON, or plain scalars when Eigen does not vectorise) for the
// passes over a row that must not be split into several array expressions.
template <class T>
using Packet = typename Eigen::internal::packet_traits<T>::type;
template <class T>
constexpr Index kLanes = Eigen::internal::unpacket_traits<Packet<T>>::size;

template <class T>
struct RowMax {
  bool finite;  // every entry is finite
  T top;        // the largest entry (meaningful when finite)
};

// The largest entry and whether every entry is finite, in one vectorised pass: x - x is 0 for a
// finite x and NaN for an infinity or NaN, so the sum of x - x is 0 exactly when all are finite
// (IEEE arithmetic; the project never builds with -ffinite-math-only or -ffast-math). A scalar
// loop with an early exit here cost as much as the exponentials of the row.
template <class T>
RowMax<T> max_and_finite(const T* x, Index n) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>;
  P top0 = ei::pset1<P>(-kInf<T>), top1 = top0;
  P zero0 = ei::pset1<P>(T(0)), zero1 = zero0;
  Index j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    const P a = ei::ploadu<P>(x + j), b = ei::ploadu<P>(x + j + L);
    top0 = ei::pmax(top0, a);
    top1 = ei::pmax(top1, b);
    zero0 = ei::padd(zero0, ei::psub(a, a));
    zero1 = ei::padd(zero1, ei::psub(b, b));
  }
  T top = ei::predux_max(ei::pmax(top0, top1));
  T zero = ei::predux(ei::padd(zero0, zero1));
  for (; j < n; ++j) {
    top = std::max(top, x[j]);
    zero += x[j] - x[j];
  }
  return {zero == T(0), top};
}

template <class T>
bool all_finite(const T* x, Index n) {
  return max_and_finite(x, n).finite;
}

// x_j <- exp(x_j - top) in place, returning the sum, in one pass while the row is in L1. The
// same exponentials as the array expression (x - top).exp(): Eigen's vectorised exp on whole
// packets, std::exp on the remainder.
template <class T>
T exp_shifted_sum(T* x, Index n, T top) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>;
  const P shift = ei::pset1<P>(top);
  P sum0 = ei::pset1<P>(T(0)), sum1 = sum0;
  Index j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    const P a = ei::pexp(ei::psub(ei::ploadu<P>(x + j), shift));
    const P b = ei::pexp(ei::psub(ei::ploadu<P>(x + j + L), shift));
    ei::pstoreu(x + j, a);
    ei::pstoreu(x + j + L, b);
    sum0 = ei::padd(sum0, a);
    sum1 = ei::padd(sum1, b);
  }
  T sum = ei::predux(ei::padd(sum0, sum1));
  for (; j < n; ++j) {
    x[j] = std::exp(x[j] - top);
    sum += x[j];
  }
  return sum;
}

// The sum of x in a fixed order that starts at x[0], whatever the address of x. Eigen's own sum
// of a mapped row first peels entries up to an aligned address, so its rounding would depend on
// where the row lives (a scratch row and a result row could then disagree in the last bit).
template <class T>
T sum_from_start(const T* x, Index n) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>;
  P sum0 = ei::pset1<P>(T(0)), sum1 = sum0;
  Index j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    sum0 = ei::padd(sum0, ei::ploadu<P>(x + j));
    sum1 = ei::padd(sum1, ei::ploadu<P>(x + j + L));
  }
  T sum = ei::predux(ei::padd(sum0, sum1));
  for (; j < n; ++j) sum += x[j];
  return sum;
}

template <class T>
bool any_nan(const T* x, Index n) {
  for (Index k = 0; k < n; ++k) {
    if (std::isnan(x[k])) return true;
  }
  return false;
}

// Turns log F values into weights: exp(L - max L) / sum. -inf entries (F = 0) get weight 0.
template <class T>
RowStatus normalize_log_values(T* row, Index valid) {
  ArrayMap<T> v(row, valid);
  const T top = v.maxCoeff();
  if (top == -kInf<T>) return any_nan(row, valid) ? RowStatus::NonFinite : RowStatus::AllZero;
  if (!(top < kInf<T>)) return RowStatus::NonFinite;  // +inf or NaN
  const T sum = exp_shifted_sum(row, valid, top);     // >= 1: the maximum contributes exp(0)
  if (!std::isfinite(sum)) return RowStatus::NonFinite;
  v *= T(1) / sum;
  return RowStatus::Defined;
}

// Softmax of finite scores: three passes over the row while it is in L1 (maximum and finiteness;
// exponentials and their sum; scaling).
template <class T>
RowStatus exp_row(T* row, Index valid) {
  const RowMax<T> m = max_and_finite(row, valid);
  if (!m.finite) return RowStatus::NonFinite;
  const T sum = exp_shifted_sum(row, valid, m.top);  // in [1, valid]
  if (!std::isfinite(sum)) return RowStatus::NonFinite;
  ArrayMap<T>(row, valid) *= T(1) / sum;
  return RowStatus::Defined;
}

// Turns non-negative finite F values into weights, dividing by the maximum first so the sum
// cannot overflow.
template <class T>
RowStatus normalize_values(T* row, Index valid) {
  ArrayMap<T> v(row, valid);
  const T top = v.maxCoeff();
  if (top == T(0)) return RowStatus::AllZero;
  v /= top;
  v /= sum_from_start(row, valid);
  return RowStatus::Defined;
}

// log F of a whole row at once (`log_f` maps an array expression to an array expression), then
// the max-subtracted normalisation.
template <class T, class LogF>
RowStatus log_family(T* row, Index valid, LogF log_f) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  ArrayMap<T> v(row, valid);
  v = log_f(v);  // coefficient-wise: reading and writing the same row is safe
  return normalize_log_values(row, valid);
}

template <class T, class F>
RowStatus direct_family(T* row, Index valid, F f) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  for (Index k = 0; k < valid; ++k) row[k] = f(row[k]);
  return normalize_values(row, valid);
}

template <class T>
RowStatus power_row(T* row, Index valid, double exponent) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  T top = T(0);
  for (Index k = 0; k < valid; ++k) top = std::max(top, row[k]);
  if (top == T(0)) return RowStatus::AllZero;
  // (s / s_max)^P <= 1: no overflow whatever P is.
  const T p = static_cast<T>(exponent);
  for (Index k = 0; k < valid; ++k) row[k] = row[k] > T(0) ? std::pow(row[k] / top, p) : T(0);
  return normalize_values(row, valid);
}

template <class T>
RowStatus custom_row(T* row, Index valid, const Formula& formula, RowScratch& scratch) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  scratch.a.assign(row, row + valid);
  scratch.b.resize(static_cast<std::size_t>(valid));
  formula.evaluate(scratch.a.data(), scratch.b.data(), valid);
  double top = 0.0;
  for (double f : scratch.b) {
    if (!std::isfinite(f)) return RowStatus::NonFinite;
    if (f < 0.0) return RowStatus::Negative;
    top = std::max(top, f);
  }
  if (top == 0.0) return RowStatus::AllZero;
  double sum = 0.0;
  for (double& f : scratch.b) {
    f /= top;
    sum += f;
  }
  for (Index k = 0; k < valid; ++k) row[k] = static_cast<T>(scratch.b[static_cast<std::size_t>(k)] / sum);
  return RowStatus::Defined;
}

// z = (s - max s) / scale into scratch.a, and z sorted in decreasing order into scratch.b: the
// start of both sort-based projections. Subtracting the maximum first lets a common offset
// cancel before any rounding.
template <class T>
void shifted_and_sorted(const T* row, Index valid, double scale, RowScratch& scratch) {
  auto& z = scratch.a;
  z.assign(row, row + valid);
  const double top = *std::max_element(z.begin(), z.end());
  for (double& x : z) x = (x - top) / scale;
  scratch.b = z;
  std::sort(scratch.b.begin(), scratch.b.end(), std::greater<>());
}

// Sparsemax (Martins & Astudillo 2016): sort, find the support size k, threshold tau.
template <class T>
RowStatus sparsemax_row(T* row, Index valid, RowScratch& scratch) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  shifted_and_sorted(row, valid, 1.0, scratch);
  const auto& z = scratch.a;
  const auto& sorted = scratch.b;
  double cumulative = 0.0, tau_sum = 0.0;
  Index support = 0;
  for (Index k = 0; k < valid; ++k) {
    cumulative += sorted[static_cast<std::size_t>(k)];
    if (1.0 + static_cast<double>(k + 1) * sorted[static_cast<std::size_t>(k)] > cumulative) {
      support = k + 1;
      tau_sum = cumulative;
    }
  }
  const double tau = (tau_sum - 1.0) / static_cast<double>(support);
  for (Index k = 0; k < valid; ++k) {
    row[k] = static_cast<T>(std::max(z[static_cast<std::size_t>(k)] - tau, 0.0));
  }
  return RowStatus::Defined;
}

// 1.5-entmax (Peters, Niculae & Martins 2019), exact sort-based algorithm:
// w_j = [z_j/2 - tau]_+^2 with tau chosen so the weights sum to 1.
template <class T>
RowStatus entmax15_row(T* row, Index valid, RowScratch& scratch) {
  if (!all_finite(row, valid)) return RowStatus::NonFinite;
  shifted_and_sorted(row, valid, 2.0, scratch);
  const auto& z = scratch.a;
  const auto& sorted = scratch.b;
  auto& taus = scratch.c;
  taus.resize(static_cast<std::size_t>(valid));
  double sum = 0.0, sum_sq = 0.0;
  Index support = 0;
  for (Index k = 0; k < valid; ++k) {
    const double x = sorted[static_cast<std::size_t>(k)];
    sum += x;
    sum_sq += x * x;
    const double rho = static_cast<double>(k + 1);
    const double mean = sum / rho;
    const double mean_sq = sum_sq / rho;
    const double ss = rho * (mean_sq - mean * mean);
    const double delta = std::max((1.0 - ss) / rho, 0.0);
    const double tau = mean - std::sqrt(delta);
    taus[static_cast<std::size_t>(k)] = tau;
    if (tau <= x) ++support;  // true on a prefix of the sorted scores: its length is the support
  }
  const double tau_star = taus[static_cast<std::size_t>(std::max<Index>(support, 1) - 1)];
  for (Index k = 0; k < valid; ++k) {
    const double t = std::max(z[static_cast<std::size_t>(k)] - tau_star, 0.0);
    row[k] = static_cast<T>(t * t);
  }
  return RowStatus::Defined;
}

// e^s / sum e^s as written, without subtracting the row maximum: what the stability lesson shows
// failing. Scalar std::exp on purpose: it overflows to inf past ~88.7 (float), where Eigen's
// vectorised exp would clamp; inf / inf is then NaN and the row is flagged, not shown.
template <class T>
RowStatus naive_exp_row(T* row, Index valid) {
  T sum = T(0);
  for (Index k = 0; k < valid; ++k) {
    if (std::isnan(row[k])) return RowStatus::NonFinite;
    row[k] = std::exp(row[k]);
    sum += row[k];
  }
  if (!std::isfinite(sum)) return RowStatus::NonFinite;
  if (!(sum > T(0))) return RowStatus::AllZero;  // every e^s underflowed: 0 / 0
  for (Index k = 0; k < valid; ++k) row[k] /= sum;
  return RowStatus::Defined;
}

// The methods of beyond_softmax_rows.hpp. `total` is the row's length before the mask: sigmoid
// attention's default bias is -log n with n the number of keys.
template <class T>
RowStatus dispatch_beyond(T* row, Index valid, Index total, const Method& method, RowScratch& scratch) {
  switch (method.kind) {
    case MethodKind::SigmoidAttention:
      return sigmoid_attention_row(row, valid,
                                   method.parameter_given ? method.parameter : -std::log(static_cast<double>(total)));
    case MethodKind::Softmax1: return softmax1_row(row, valid);
    case MethodKind::Softpick: return softpick_row(row, valid);
    case MethodKind::StickBreaking: return stick_breaking_row(row, valid, scratch.of<T>());
    case MethodKind::LengthScaled:
      // softmax(c log(n) s) with n the keys this row attends.
      ArrayMap<T>(row, valid) *= static_cast<T>(method.parameter * std::log(static_cast<double>(valid)));
      return exp_row(row, valid);
    case MethodKind::LinearAttention:
    case MethodKind::RandomFeatures: return kernel_values_row(row, valid);  // rows of phi(q).phi(k)
    default: break;
  }
  return RowStatus::NonFinite;
}

template <class T>
RowStatus dispatch(T* row, Index valid, Index total, const Method& method, RowScratch& scratch, bool subtract_max) {
  switch (method.kind) {
    case MethodKind::Exp: return subtract_max ? exp_row(row, valid) : naive_exp_row(row, valid);
    case MethodKind::Relu: return direct_family(row, valid, [](T s) { return std::max(s, T(0)); });
    case MethodKind::Linear: return direct_family(row, valid, [](T s) { return std::max(T(1) + s, T(0)); });
    case MethodKind::Power: return power_row(row, valid, method.parameter);
    case MethodKind::Softplus:
      // Rows with scores far below zero take the scalar path, whose tail formula avoids log(0).
      if (ArrayMap<T>(row, valid).minCoeff() < softplus_tail<T>()) {
        if (!all_finite(row, valid)) return RowStatus::NonFinite;
        for (Index k = 0; k < valid; ++k) row[k] = log_softplus(row[k]);
        return normalize_log_values(row, valid);
      }
      return log_family(row, valid, [](const auto& s) { return log_softplus_array(s); });
    case MethodKind::Sigmoid: return log_family(row, valid, [](const auto& s) { return log_sigmoid_array(s); });
    case MethodKind::ExpPlus: {
      if (method.parameter == 0.0) return exp_row(row, valid);  // 0 + e^s
      const T log_c = static_cast<T>(std::log(method.parameter));
      return log_family(row, valid, [log_c](const auto& s) { return log_exp_plus_array(s, log_c); });
    }
    case MethodKind::Custom: return custom_row(row, valid, *method.formula, scratch);
    case MethodKind::Sparsemax: return sparsemax_row(row, valid, scratch);
    case MethodKind::Entmax15: return entmax15_row(row, valid, scratch);
    case MethodKind::Sinkhorn:
    case MethodKind::DoublyNormalized: break;  // not row-wise: handled by matrix_normalization
    default: return dispatch_beyond(row, valid, total, method, scratch);
  }
  return RowStatus::NonFinite;
}

}  // namespace

template <class T>
RowStatus apply_row_method(T* row, Index valid, Index total, const Method& method, RowScratch& scratch,
                           bool subtract_max) {
  RowStatus status = valid > 0 ? dispatch(row, valid, total, method, scratch, subtract_max) : RowStatus::AllZero;
  if (status == RowStatus::Defined) {
    std::fill(row + valid, row + total, T(0));
  } else {
    std::fill(row, row + total, std::numeric_limits<T>::quiet_NaN());
  }
  return status;
}

template <class T>
RowStatus apply_row_method_to(T* row, Index valid, Index total, const Method& method, RowScratch& scratch,
                              bool subtract_max, T* out) {
  const bool plain_softmax = method.kind == MethodKind::Exp && subtract_max && valid > 0;
  if (!plain_softmax) {
    // The method on the valid keys only; the masked keys' zeros go straight to `out`.
    const RowStatus status =
        valid > 0 ? dispatch(row, valid, total, method, scratch, subtract_max) : RowStatus::AllZero;
    if (status != RowStatus::Defined) {
      fill_streaming(out, total, std::numeric_limits<T>::quiet_NaN());
      return status;
    }
    store_streaming(row, out, valid);
    fill_streaming(out + valid, total - valid, T(0));
    return status;
  }
  // exp_row, with its scaling pass writing to `out`.
  const RowMax<T> m = max_and_finite(row, valid);
  const T sum = m.finite ? exp_shifted_sum(row, valid, m.top) : T(0);
  if (!m.finite || !std::isfinite(sum)) {
    fill_streaming(out, total, std::numeric_limits<T>::quiet_NaN());
    return RowStatus::NonFinite;
  }
  store_streaming(row, out, valid, T(1) / sum);
  fill_streaming(out + valid, total - valid, T(0));
  return RowStatus::Defined;
}

Method with_key_count(const Method& method, Index keys) {
  if (method.kind != MethodKind::SigmoidAttention || method.parameter_given) return method;
  Method fixed = method;
  fixed.parameter = -std::log(static_cast<double>(keys));
  fixed.parameter_given = true;
  return fixed;
}

template RowStatus apply_row_method<float>(float*, Index, Index, const Method&, RowScratch&, bool);
template RowStatus apply_row_method<double>(double*, Index, Index, const Method&, RowScratch&, bool);
template RowStatus apply_row_method_to<float>(float*, Index, Index, const Method&, RowScratch&, bool, float*);
template RowStatus apply_row_method_to<double>(double*, Index, Index, const Method&, RowScratch&, bool, double*);

}  // namespace attn::detail
