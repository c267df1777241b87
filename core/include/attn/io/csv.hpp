// Comma-separated numbers: one row per line, the same number of values on every line.
// Blank lines and lines starting with '#' are skipped.
#pragma once

#include <cstdint>
#include <string>

#include "attn/io/ndarray.hpp"

namespace attn {

// Largest CSV file read (bytes): a text file is read whole, and its numbers take up to four times
// its size again as doubles.
constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t(256) << 20;

// Rank-2 array. Throws InputError with the line and column of a value that is not a number, is
// NaN or Inf, or of a line with the wrong number of values; for a file that is not regular or is
// larger than kMaxCsvBytes (refused before reading).
NdArray read_csv(const std::string& path, NonFinite policy = NonFinite::Reject);

// Rank 1 or 2, atomically; floats with 9 and doubles with 17 significant digits (round trip);
// NaN is written as "nan".
template <class T>
void write_csv(const std::string& path, const T* values, Index rows, Index cols);

}  // namespace attn
