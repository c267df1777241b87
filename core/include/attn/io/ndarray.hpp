// A small n-dimensional array of numbers read from or written to a file: a vector (rank 1), a
// matrix (rank 2) or a stack of matrices (rank 3, one per attention head; rank 4, one per layer
// and head).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/base/types.hpp"

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
// Largest text array the readers accept, as the std::string objects and characters it becomes in
// memory (tokens, layer names): 2^28 one-byte strings in a small compressed archive would take
// 8 GiB as strings.
constexpr std::uint64_t kMaxTextArrayBytes = std::uint64_t(64) << 20;

struct NdArray {
  std::vector<Index> shape;      // 1 to 4 extents, each >= 1
  std::vector<double> values;    // C (row-major) order
  DType dtype = DType::Float64;  // element type in the file it came from or goes to

  Index rank() const { return static_cast<Index>(shape.size()); }
  Index size() const;
  // Rank 1 (n values: an n x 1 matrix) or rank 2.
  MatD matrix() const;
  // Rank 3 or 4: one matrix per leading index (layer-major for rank 4); rank 1 or 2: one matrix.
  std::vector<MatD> stack() const;
  // Entry `index` of the leading axis: rank minus one (a layer of a 4-D stack, a head of a 3-D
  // one). Throws InputError naming `source` and `what` ("layer", "head") when out of range.
  NdArray slice(Index index, const std::string& source, const std::string& what) const;
  std::string shape_text() const;  // "(3, 4)"
};

}  // namespace attn
