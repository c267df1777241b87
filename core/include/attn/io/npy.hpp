// NumPy .npy files: float32 or float64, either byte order, C or Fortran order, rank 1 to 4; and
// 1-D text arrays ('<U', '|S') for tokens.
#pragma once

#include <string>

#include "attn/io/ndarray.hpp"

namespace attn {

// Throws InputError naming the file and the problem: not an NPY file, truncated or malformed
// header, unsupported dtype (integer, complex, text, ...), rank outside 1..4, an empty or too large
// shape, truncated data, or a NaN/Inf value (with its index).
NdArray read_npy(const std::string& path, NonFinite policy = NonFinite::Reject);

// A 1-D text array (NumPy '<U' unicode or '|S' bytes) as UTF-8 strings, trailing NULs dropped.
std::vector<std::string> read_npy_strings(const std::string& path);

// Writes version 1.0, little-endian, C order, as arr.dtype; atomically.
void write_npy(const std::string& path, const NdArray& arr);
// The same for data already in memory: `values` holds prod(shape) elements in C order.
template <class T>
void write_npy(const std::string& path, const T* values, const std::vector<Index>& shape);

}  // namespace attn
