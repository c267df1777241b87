// A small n-dimensional array of numbers read from or written to a file: a vector (rank 1), a
// matrix (rank 2) or a stack of matrices (rank 3, e.g. one per attention head).
#pragma once

#include <string>
#include <vector>

#include "attn/types.hpp"

namespace attn {

enum class DType { Float32, Float64 };

// What a reader does with non-finite values. Input vectors must be finite; weight matrices
// written by the engine mark undefined rows with NaN, so a viewer of weights accepts NaN.
enum class NonFinite {
  Reject,    // NaN or Inf is an error naming its index
  AllowNaN,  // NaN is kept; Inf is still an error
};

// Throws InputError naming `source` and the index of the first value the policy forbids.
struct NdArray;
void check_finite(const std::string& source, const NdArray& arr, NonFinite policy = NonFinite::Reject);

// Largest array the readers accept (elements); larger files are refused before allocation.
constexpr Index kMaxArrayElements = Index(1) << 28;

struct NdArray {
  std::vector<Index> shape;    // 1 to 3 extents, each >= 1
  std::vector<double> values;  // C (row-major) order
  DType dtype = DType::Float64;  // element type in the file it came from or goes to

  Index rank() const { return static_cast<Index>(shape.size()); }
  Index size() const;
  // Rank 1 (n values: an n x 1 matrix) or rank 2.
  MatD matrix() const;
  // Rank 3: one matrix per leading index; rank 1 or 2: one matrix.
  std::vector<MatD> stack() const;
  std::string shape_text() const;  // "(3, 4)"
};

}  // namespace attn
