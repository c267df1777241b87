// Argument checks shared by the lesson experiments (internal to core).
#pragma once

#include <cmath>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/types.hpp"

namespace attn::detail {

// Points must exist and be finite: a NaN coordinate would silently poison every weight of its row
// and column (and every distance comparison would be false).
inline void require_finite_points(const MatD& x, const char* what) {
  if (x.rows() == 0 || x.cols() == 0) {
    throw InputError(std::string(what) + ": no points (the input has " + std::to_string(x.rows()) + " rows and " +
                     std::to_string(x.cols()) + " columns)");
  }
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index k = 0; k < x.cols(); ++k) {
      if (!std::isfinite(x(i, k))) {
        throw InputError(std::string(what) + ": row " + std::to_string(i) + ", column " + std::to_string(k) +
                         " is not a finite number");
      }
    }
  }
}

inline void require_non_negative(double value, const char* what) {
  if (!std::isfinite(value) || value < 0.0) {
    throw UsageError(std::string(what) + " must be a finite number >= 0 (got " + std::to_string(value) + ")");
  }
}

inline void require_positive_count(long long value, const char* what) {
  if (value < 1) {
    throw UsageError(std::string(what) + " must be at least 1 (got " + std::to_string(value) + ")");
  }
}

}  // namespace attn::detail
