// Reading and writing arrays by file extension (.npy or .csv).
#pragma once

#include <string>

#include "attn/ndarray.hpp"

namespace attn {

// Throws InputError for an unknown extension or any problem of the format's reader.
NdArray read_array_file(const std::string& path, NonFinite policy = NonFinite::Reject);

// Rank 1 to 3 for .npy, rank 1 or 2 for .csv (a rank-3 array cannot be written as CSV).
template <class T>
void write_array_file(const std::string& path, const T* values, const std::vector<Index>& shape);

}  // namespace attn
