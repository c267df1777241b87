#include "attn/experiments/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "base/tiling.hpp"

namespace attn {

namespace {

// KL(p || q) of two rows normalised by their masses, in double; +inf when q excludes a key p uses.
template <class Row>
double normalised_kl(const Row& a, const Row& b, double mass_a, double mass_b) {
  double kl = 0.0;
  for (Index j = 0; j < a.size(); ++j) {
    const double p = static_cast<double>(a(j)) / mass_a;
    const double q = static_cast<double>(b(j)) / mass_b;
    if (p == 0.0) continue;
    if (q == 0.0) return std::numeric_limits<double>::infinity();
    kl += p * std::log(p / q);
  }
  return kl;
}

}  // namespace

template <class T>
Deviation compare_weights(const Weights<T>& a, const Weights<T>& b) {
  if (a.matrix.rows() != b.matrix.rows() || a.matrix.cols() != b.matrix.cols()) {
    throw InputError("cannot compare weight matrices of different shapes");
  }
  // Partial results per row tile, merged in tile order: the same sums on any thread count.
  struct Partial {
    double max_abs = 0.0, tv = 0.0, kl = 0.0, sq = 0.0, mass = 0.0;
    Index compared = 0, undefined = 0, zero_mass = 0;
  };
  const bool normalise = !a.rows_sum_to_one || !b.rows_sum_to_one;
  const Index n = a.matrix.rows();
  std::vector<Partial> partials(static_cast<std::size_t>(detail::tile_count(n)));
  parallel_for(detail::tile_count(n), [&](Index tile) {
    Partial& part = partials[static_cast<std::size_t>(tile)];
    const auto [begin, end] = detail::tile_rows(tile, n);
    for (Index i = begin; i < end; ++i) {
      if (!a.defined(i) || !b.defined(i)) {
        ++part.undefined;
        continue;
      }
      ++part.compared;
      // Differences in T (exact for nearby values), sums in double.
      const Eigen::Array<T, 1, Eigen::Dynamic> diff = (a.matrix.row(i) - b.matrix.row(i)).array().abs();
      part.max_abs = std::max(part.max_abs, static_cast<double>(diff.maxCoeff()));
      part.tv += 0.5 * diff.template cast<double>().sum();
      part.sq += diff.template cast<double>().square().sum();
      // Terms with p = 0 are 0; p > 0 = q makes KL infinite: B excludes a key A uses. Otherwise,
      // with both clamped to the smallest normal number, p log(p/q) is exact where p > 0 and 0
      // where p = 0, without a per-element branch: the logarithms vectorise. They are taken in the
      // weights' own precision (float weights carry float rounding anyway), the sum in double.
      if (normalise) {
        const double mass_a = a.matrix.row(i).template cast<double>().sum();
        const double mass_b = b.matrix.row(i).template cast<double>().sum();
        part.mass += std::abs(mass_a - mass_b);
        if (!(mass_a > 0.0) || !(mass_b > 0.0)) {
          ++part.zero_mass;
          continue;
        }
        part.kl += std::max(normalised_kl(a.matrix.row(i), b.matrix.row(i), mass_a, mass_b), 0.0);
        continue;
      }
      const auto pt = a.matrix.row(i).array();
      const auto qt = b.matrix.row(i).array();
      constexpr T tiny = std::numeric_limits<T>::min();
      const bool excluded = ((pt > T(0)) && (qt == T(0))).any();
      double row_kl = std::numeric_limits<double>::infinity();
      if (!excluded) {
        // Evaluated in T first: a cast inside the expression would stop Eigen vectorising it.
        const Eigen::Array<T, 1, Eigen::Dynamic> terms = pt * (pt.max(tiny) / qt.max(tiny)).log();
        row_kl = terms.template cast<double>().sum();
      }
      // Rounding can make KL of two nearly equal rows a hair below zero; KL is never negative.
      part.kl += std::max(row_kl, 0.0);
    }
  });
  Deviation out;
  double tv_sum = 0.0, kl_sum = 0.0, sq_sum = 0.0, mass_sum = 0.0;
  for (const Partial& part : partials) {
    out.max_abs_diff = std::max(out.max_abs_diff, part.max_abs);
    tv_sum += part.tv;
    kl_sum += part.kl;
    sq_sum += part.sq;
    mass_sum += part.mass;
    out.compared_rows += part.compared;
    out.undefined_rows += part.undefined;
    out.zero_mass_rows += part.zero_mass;
  }
  if (out.compared_rows == 0) {
    // No row is defined in both: there is nothing to measure, and 0 would read as "unchanged".
    out.max_abs_diff = out.mean_tv = out.mean_kl = out.frobenius = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.mean_tv = tv_sum / static_cast<double>(out.compared_rows);
  out.mean_mass_change = mass_sum / static_cast<double>(out.compared_rows);
  // Rows of zero mass (rows that need not sum to 1) have no distribution to compare.
  out.mean_kl = out.compared_rows > out.zero_mass_rows
                    ? kl_sum / static_cast<double>(out.compared_rows - out.zero_mass_rows)
                    : std::numeric_limits<double>::quiet_NaN();
  out.frobenius = std::sqrt(sq_sum);
  return out;
}

template <class T>
RowSummary summarize_row(const Weights<T>& weights, Index row) {
  RowSummary out;
  if (!weights.defined(row)) return out;
  // Rows that need not sum to 1: the mass, then the statistics of the row normalised to sum 1.
  double scale = 1.0;
  if (!weights.rows_sum_to_one) {
    out.mass = weights.matrix.row(row).template cast<double>().sum();
    if (!(out.mass > 0.0)) {
      out.entropy = out.effective_support = std::numeric_limits<double>::quiet_NaN();
      out.exact_zeros = weights.matrix.cols();
      return out;
    }
    scale = 1.0 / out.mass;
  }
  for (Index j = 0; j < weights.matrix.cols(); ++j) {
    const double w = static_cast<double>(weights.matrix(row, j));
    const double p = weights.rows_sum_to_one ? w : w * scale;
    if (w == 0.0) {
      ++out.exact_zeros;
    } else if (p > 0.0) {
      out.entropy -= p * std::log(p);
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
