#include "model/image_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ax {

ImageStats image_stats(const attn::MatF& m, const std::vector<attn::RowStatus>& rows) {
  ImageStats stats;
  float min_positive = std::numeric_limits<float>::infinity();
  for (attn::Index i = 0; i < m.rows(); ++i) {
    if (static_cast<std::size_t>(i) < rows.size() && rows[static_cast<std::size_t>(i)] != attn::RowStatus::Defined) {
      ++stats.undefined_rows;
      continue;
    }
    const auto row = m.row(i).array();
    if (!row.allFinite()) continue;
    stats.max_all = std::max(stats.max_all, row.maxCoeff());
    if (m.cols() > 1) stats.max_without_first = std::max(stats.max_without_first, row.tail(m.cols() - 1).maxCoeff());
    stats.max_abs = std::max(stats.max_abs, row.abs().maxCoeff());
    const float smallest = (row > 0.0f).select(row, std::numeric_limits<float>::infinity()).minCoeff();
    min_positive = std::min(min_positive, smallest);
  }
  if (m.cols() == 1) stats.max_without_first = stats.max_all;
  stats.min_positive = std::isfinite(min_positive) ? min_positive : 0.0f;
  return stats;
}

}  // namespace ax
