#include "kernels/beyond_softmax_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace attn::detail {
namespace {

template <class T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;

template <class T>
bool all_finite(const ArrayMap<T>& v) {
  return (v - v).sum() == T(0);  // x - x is NaN for an infinity or NaN (no fast-math in this project)
}

// Below this, expm1(t) and e^{-t} are both normal numbers of T.
template <class T>
constexpr T kExpm1Safe = std::is_same_v<T, float> ? T(80) : T(700);

template <class T>
using Packet = typename Eigen::internal::packet_traits<T>::type;
template <class T>
constexpr Index kLanes = Eigen::internal::unpacket_traits<Packet<T>>::size;

// e^s - 1 for |s| < 1/4 by its Taylor series to s^7 (float) or s^12 (double): the first term left
// out is below 1e-9 (float) or 1e-17 (double) relative.
template <class T>
Packet<T> expm1_series(const Packet<T>& s) {
  namespace ei = Eigen::internal;
  constexpr int kTerms = std::is_same_v<T, float> ? 7 : 12;
  // Horner: s (1 + s/2 (1 + s/3 (1 + ...))), from the innermost term out.
  Packet<T> sum = ei::pset1<Packet<T>>(T(1));
  for (int k = kTerms; k >= 2; --k)
    sum = ei::pmadd(ei::pmul(s, ei::pset1<Packet<T>>(T(1) / T(k))), sum, ei::pset1<Packet<T>>(T(1)));
  return ei::pmul(s, sum);
}

// x_j <- factor (e^{x_j} - 1), vectorised: e^s - 1 where |s| >= 1/4 (no cancellation beyond a
// factor 4.5 of the rounding), the series below. Eigen's own expm1 takes a logarithm and a
// division besides the exponential; this is one exponential and a few multiply-adds.
template <class T>
void expm1_times(T* x, Index n, T factor) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>;
  const P one = ei::pset1<P>(T(1)), quarter = ei::pset1<P>(T(0.25)), scale = ei::pset1<P>(factor);
  Index j = 0;
  for (; j + L <= n; j += L) {
    const P s = ei::ploadu<P>(x + j);
    const P small = ei::pcmp_lt(ei::pabs(s), quarter);
    const P result = ei::pselect(small, expm1_series<T>(s), ei::psub(ei::pexp(s), one));
    ei::pstoreu(x + j, ei::pmul(result, scale));
  }
  for (; j < n; ++j) x[j] = std::expm1(x[j]) * factor;
}

}  // namespace

template <class T>
RowStatus sigmoid_attention_row(T* row, Index valid, double bias) {
  ArrayMap<T> v(row, valid);
  if (!all_finite(v)) return RowStatus::NonFinite;
  // 1 / (1 + e^{-x}) has no cancellation for any x; where e^{-x} overflows (x below about -88 in
  // float) the weight is below the smallest normal number and 0 is its correct rounding.
  v = T(1) / (T(1) + (-(v + static_cast<T>(bias))).exp());
  return RowStatus::Defined;
}

template <class T>
RowStatus softmax1_row(T* row, Index valid) {
  ArrayMap<T> v(row, valid);
  if (!all_finite(v)) return RowStatus::NonFinite;
  const T top = std::max(v.maxCoeff(), T(0));  // the implicit zero logit takes part in the maximum
  v = (v - top).exp();
  const T sum = v.sum() + std::exp(-top);  // >= 1: the largest term is e^0
  v *= T(1) / sum;
  return RowStatus::Defined;
}

template <class T>
RowStatus softpick_row(T* row, Index valid) {
  ArrayMap<T> v(row, valid);
  if (!all_finite(v)) return RowStatus::NonFinite;
  const T top = std::max(v.maxCoeff(), T(0));
  const T floor = std::exp(-top);
  if (top <= kExpm1Safe<T>) {
    expm1_times(row, valid, floor);  // e^{-t} (e^s - 1), exact near s = 0
  } else {
    // e^{-t} < 1e-34: cancellation near s = 0 only touches terms below the precision of the sum.
    v = (v - top).exp() - floor;
  }
  const T denominator = v.abs().sum();
  if (!(denominator > T(0))) return RowStatus::AllZero;  // every score exactly 0: 0 / 0
  v = v.max(T(0)) / denominator;
  return RowStatus::Defined;
}

template <class T>
RowStatus stick_breaking_row(T* row, Index valid, std::vector<T, Eigen::aligned_allocator<T>>& scratch) {
  ArrayMap<T> v(row, valid);
  if (!all_finite(v)) return RowStatus::NonFinite;
  constexpr Index kAlign = 64 / sizeof(T);
  const Index second = (valid + kAlign - 1) / kAlign * kAlign;
  scratch.resize(static_cast<std::size_t>(second + valid));
  ArrayMap<T> e(scratch.data(), valid), inverse(scratch.data() + second, valid);
  // beta = sigmoid(s) and 1 - beta = sigmoid(-s) from e = e^{-|s|} <= 1: neither is formed as a
  // difference, so a beta near 1 leaves its 1 - beta exact.
  e = (-v.abs()).exp();
  inverse = T(1) / (T(1) + e);
  T stick = T(1);  // what is left of the stick
  for (Index j = valid - 1; j >= 0; --j) {
    const bool positive = row[j] >= T(0);
    const T beta = positive ? inverse[j] : e[j] * inverse[j];
    const T rest = positive ? e[j] * inverse[j] : inverse[j];
    row[j] = beta * stick;
    stick *= rest;
    if (stick < std::numeric_limits<T>::min()) {
      // Every earlier weight is below the smallest normal number: exactly 0, without denormals.
      std::fill(row, row + j, T(0));
      break;
    }
  }
  return RowStatus::Defined;
}

template <class T>
RowStatus kernel_values_row(T* row, Index valid) {
  ArrayMap<T> v(row, valid);
  // The sum is NaN or infinite when an entry is NaN or +inf; -inf shows as a negative minimum.
  const T sum = v.sum();
  if (!std::isfinite(sum)) return RowStatus::NonFinite;
  if (v.minCoeff() < T(0)) return RowStatus::Negative;
  if (!(sum > T(0))) return RowStatus::AllZero;
  v *= T(1) / sum;
  return RowStatus::Defined;
}

#define ATTN_INSTANTIATE(T)                                                                       \
  template RowStatus sigmoid_attention_row(T*, Index, double);                                    \
  template RowStatus softmax1_row(T*, Index);                                                     \
  template RowStatus softpick_row(T*, Index);                                                     \
  template RowStatus stick_breaking_row(T*, Index, std::vector<T, Eigen::aligned_allocator<T>>&); \
  template RowStatus kernel_values_row(T*, Index);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn::detail
