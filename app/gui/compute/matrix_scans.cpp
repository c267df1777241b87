#include "compute/matrix_scans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "attn/base/parallel.hpp"

namespace ax {
namespace {

constexpr attn::Index kRowsPerBlock = 64;

attn::Index block_count(attn::Index rows) { return (rows + kRowsPerBlock - 1) / kRowsPerBlock; }

// Calls scan(first_row, end_row, block) for every block of rows, in parallel.
template <class Scan>
void for_row_blocks(attn::Index rows, attn::Index cols, Scan&& scan) {
  attn::parallel_for(block_count(rows), kRowsPerBlock * std::max<attn::Index>(cols, 1), [&](attn::Index block) {
    scan(block * kRowsPerBlock, std::min(rows, (block + 1) * kRowsPerBlock), block);
  });
}

}  // namespace

std::pair<double, double> finite_extent(const attn::MatF& m) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  std::vector<std::pair<float, float>> partial(static_cast<std::size_t>(block_count(m.rows())), {kInf, -kInf});
  for_row_blocks(m.rows(), m.cols(), [&](attn::Index i0, attn::Index i1, attn::Index block) {
    float lo = kInf, hi = -kInf;
    for (attn::Index i = i0; i < i1; ++i) {
      const float* row = m.row(i).data();
      for (attn::Index j = 0; j < m.cols(); ++j) {
        const float v = row[j];
        // v - v is 0 for finite v and NaN otherwise: one comparison that vectorises.
        if (v - v == 0.0f) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
    }
    partial[static_cast<std::size_t>(block)] = {lo, hi};
  });
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& [a, b] : partial) {
    lo = std::min(lo, static_cast<double>(a));
    hi = std::max(hi, static_cast<double>(b));
  }
  return {lo, hi};
}

Histogram histogram_of(const attn::MatF& scores, double lo, double hi, int bins) {
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(static_cast<std::size_t>(bins), 0.0);
  const double per_unit = bins / (hi - lo);
  const auto blocks = static_cast<std::size_t>(block_count(scores.rows()));
  std::vector<std::vector<std::uint32_t>> partial(blocks,
                                                  std::vector<std::uint32_t>(static_cast<std::size_t>(bins), 0));
  for_row_blocks(scores.rows(), scores.cols(), [&](attn::Index i0, attn::Index i1, attn::Index block) {
    std::vector<std::uint32_t>& counts = partial[static_cast<std::size_t>(block)];
    for (attn::Index i = i0; i < i1; ++i) {
      const float* row = scores.row(i).data();
      for (attn::Index j = 0; j < scores.cols(); ++j) {
        const double v = row[j];
        if (!std::isfinite(v)) continue;
        const double at = std::clamp((v - lo) * per_unit, 0.0, static_cast<double>(bins - 1));
        ++counts[static_cast<std::size_t>(at)];
      }
    }
  });
  for (const auto& counts : partial) {
    for (std::size_t b = 0; b < counts.size(); ++b) h.counts[b] += counts[b];
  }
  return h;
}

attn::Vec<float> column_sums(const attn::Weights<float>& w) {
  const attn::MatF& m = w.matrix;
  constexpr attn::Index kColumnsPerBlock = 256;
  const attn::Index blocks = (m.cols() + kColumnsPerBlock - 1) / kColumnsPerBlock;
  attn::Vec<float> sums = attn::Vec<float>::Zero(m.cols());
  // Blocks of columns: every sum adds its rows in row order, whatever the thread count.
  attn::parallel_for(blocks, kColumnsPerBlock * std::max<attn::Index>(m.rows(), 1), [&](attn::Index block) {
    const attn::Index j0 = block * kColumnsPerBlock, width = std::min(m.cols(), j0 + kColumnsPerBlock) - j0;
    auto out = sums.segment(j0, width);
    for (attn::Index i = 0; i < m.rows(); ++i) {
      if (w.defined(i)) out += m.row(i).segment(j0, width).transpose();
    }
  });
  return sums;
}

attn::Vec<float> row_masses(const attn::Weights<float>& w) {
  if (w.rows_sum_to_one) return {};
  attn::Vec<float> mass(w.matrix.rows());
  for (attn::Index i = 0; i < w.matrix.rows(); ++i) {
    // In double: a row of 65536 small weights keeps its digits.
    mass(i) = w.defined(i) ? static_cast<float>(w.matrix.row(i).cast<double>().sum())
                           : std::numeric_limits<float>::quiet_NaN();
  }
  return mass;
}

}  // namespace ax
