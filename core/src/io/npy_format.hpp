// The NPY format itself, for any byte stream: a file (npy.cpp) or an archive member (npz.cpp).
// Internal to core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"

namespace attn::detail {

// Reads up to `count` bytes into `dst`; returns how many it read (fewer only at the end).
using ByteReader = std::function<std::size_t(unsigned char* dst, std::size_t count)>;

// One NPY payload: numbers, or strings when the dtype is text ('<U' or '|S'; 1-D only).
struct NpyContent {
  NdArray numbers;
  std::vector<std::string> strings;  // UTF-8, trailing NULs dropped
  bool is_text = false;
};

// Reads a whole NPY payload of `total_size` bytes from `read`. The header is checked against
// `total_size` (shape, element type, rank 1..4, element limit) before the data are allocated, so
// a declared size that is a lie costs nothing. `source` names the stream in every error
// ("q.npz: member 'q.npy'").
NpyContent read_npy_content(const ByteReader& read, std::uintmax_t total_size, const std::string& source,
                            NonFinite policy);

}  // namespace attn::detail
