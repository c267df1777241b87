#include "kernels/matrix_normalization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/base/parallel.hpp"
#include "kernels/row_kernels.hpp"

namespace attn::detail {
namespace {

constexpr Index kColumnChunk = 256;

template <class T>
constexpr T kNegInf = -std::numeric_limits<T>::infinity();

// Subtracts from every finite entry of each column its log-sum-exp over the rows.
template <class T>
void normalize_columns(Mat<T>& L, const std::vector<RowStatus>& rows) {
  const Index n = L.rows(), m = L.cols();
  const Index chunks = (m + kColumnChunk - 1) / kColumnChunk;
  parallel_for(chunks, n * kColumnChunk, [&](Index chunk) {
    const Index c0 = chunk * kColumnChunk, c1 = std::min(m, c0 + kColumnChunk);
    const Index width = c1 - c0;
    Eigen::Array<T, Eigen::Dynamic, 1> top = Eigen::Array<T, Eigen::Dynamic, 1>::Constant(width, kNegInf<T>);
    Eigen::Array<T, Eigen::Dynamic, 1> sum = Eigen::Array<T, Eigen::Dynamic, 1>::Zero(width);
    for (Index i = 0; i < n; ++i) {
      if (rows[static_cast<std::size_t>(i)] != RowStatus::Defined) continue;
      top = top.max(L.row(i).segment(c0, width).transpose().array());
    }
    for (Index i = 0; i < n; ++i) {
      if (rows[static_cast<std::size_t>(i)] != RowStatus::Defined) continue;
      for (Index j = 0; j < width; ++j) {
        const T x = L(i, c0 + j);
        if (x != kNegInf<T>) sum(j) += std::exp(x - top(j));
      }
    }
    for (Index j = 0; j < width; ++j) {
      // An all-masked column has no weights to normalise: leave it at -inf.
      top(j) = top(j) == kNegInf<T> ? T(0) : top(j) + std::log(sum(j));
    }
    for (Index i = 0; i < n; ++i) {
      if (rows[static_cast<std::size_t>(i)] != RowStatus::Defined) continue;
      L.row(i).segment(c0, width).array() -= top.transpose();
    }
  });
}

template <class T>
void normalize_rows_log(Mat<T>& L, const std::vector<RowStatus>& rows) {
  parallel_for(L.rows(), L.cols(), [&](Index i) {
    if (rows[static_cast<std::size_t>(i)] != RowStatus::Defined) return;
    auto row = L.row(i).array();
    const T top = row.maxCoeff();
    if (top == kNegInf<T>) return;
    row -= top + std::log((row - top).exp().sum());
  });
}

}  // namespace

template <class T>
void sinkhorn_in_place(Mat<T>& L, int rounds, Mask mask, const MaskArrays* arrays, std::vector<RowStatus>& rows) {
  const Index n = L.rows(), m = L.cols();
  rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  const auto blocked = [&](Index i, Index j) {
    return j >= valid_keys(mask, i, m) || (arrays && arrays->blocks(i, j));
  };
  for (Index i = 0; i < n; ++i) {
    auto row = L.row(i);
    Index open = 0;
    for (Index j = 0; j < m; ++j) {
      if (blocked(i, j)) {
        row(j) = kNegInf<T>;
      } else {
        ++open;
        if (!std::isfinite(row(j))) rows[static_cast<std::size_t>(i)] = RowStatus::NonFinite;
      }
    }
    if (open == 0) rows[static_cast<std::size_t>(i)] = RowStatus::Masked;
  }
  for (int r = 0; r < rounds; ++r) {
    normalize_columns(L, rows);
    normalize_rows_log(L, rows);
  }
  parallel_for(n, m, [&](Index i) {
    auto row = L.row(i).array();
    if (rows[static_cast<std::size_t>(i)] == RowStatus::Defined) {
      row = row.exp();
      // Eigen's vectorised exp clamps its argument, so exp(-inf) comes out as the smallest
      // denormal rather than 0: masked keys get their exact zeros back here.
      for (Index j = 0; j < m; ++j) {
        if (blocked(i, j)) row(j) = T(0);
      }
      if (!row.allFinite()) rows[static_cast<std::size_t>(i)] = RowStatus::NonFinite;
    }
    if (rows[static_cast<std::size_t>(i)] != RowStatus::Defined) {
      row.setConstant(std::numeric_limits<T>::quiet_NaN());
    }
  });
}

template void sinkhorn_in_place<float>(Mat<float>&, int, Mask, const MaskArrays*, std::vector<RowStatus>&);
template void sinkhorn_in_place<double>(Mat<double>&, int, Mask, const MaskArrays*, std::vector<RowStatus>&);

}  // namespace attn::detail
