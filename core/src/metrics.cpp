#include "attn/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/errors.hpp"

namespace attn {

template <class T>
Deviation compare_weights(const Weights<T>& a, const Weights<T>& b) {
  if (a.matrix.rows() != b.matrix.rows() || a.matrix.cols() != b.matrix.cols()) {
    throw InputError("cannot compare weight matrices of different shapes");
  }
  Deviation out;
  double tv_sum = 0.0, kl_sum = 0.0, sq_sum = 0.0;
  for (Index i = 0; i < a.matrix.rows(); ++i) {
    if (!a.defined(i) || !b.defined(i)) {
      ++out.undefined_rows;
      continue;
    }
    ++out.compared_rows;
    double row_abs = 0.0, row_kl = 0.0;
    for (Index j = 0; j < a.matrix.cols(); ++j) {
      const double p = static_cast<double>(a.matrix(i, j));
      const double q = static_cast<double>(b.matrix(i, j));
      const double diff = std::abs(p - q);
      out.max_abs_diff = std::max(out.max_abs_diff, diff);
      row_abs += diff;
      sq_sum += diff * diff;
      if (p > 0.0) {
        row_kl += q > 0.0 ? p * std::log(p / q) : std::numeric_limits<double>::infinity();
      }
    }
    tv_sum += 0.5 * row_abs;
    // Rounding can make KL of two nearly equal rows a hair below zero; KL is never negative.
    kl_sum += std::max(row_kl, 0.0);
  }
  if (out.compared_rows > 0) {
    out.mean_tv = tv_sum / static_cast<double>(out.compared_rows);
    out.mean_kl = kl_sum / static_cast<double>(out.compared_rows);
  }
  out.frobenius = std::sqrt(sq_sum);
  return out;
}

template <class T>
RowSummary summarize_row(const Weights<T>& weights, Index row) {
  RowSummary out;
  if (!weights.defined(row)) return out;
  for (Index j = 0; j < weights.matrix.cols(); ++j) {
    const double w = static_cast<double>(weights.matrix(row, j));
    if (w == 0.0) {
      ++out.exact_zeros;
    } else {
      out.entropy -= w * std::log(w);
    }
    out.max_weight = std::max(out.max_weight, w);
  }
  out.effective_support = std::exp(out.entropy);
  return out;
}

template Deviation compare_weights(const Weights<float>&, const Weights<float>&);
template Deviation compare_weights(const Weights<double>&, const Weights<double>&);
template RowSummary summarize_row(const Weights<float>&, Index);
template RowSummary summarize_row(const Weights<double>&, Index);

}  // namespace attn
