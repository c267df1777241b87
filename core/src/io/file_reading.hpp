// Shared helpers of the file readers (internal to core).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"

namespace attn::detail {

// Opens `path` for binary reading; throws InputError when it is missing, a directory, not a
// regular file, a loop of symlinks or unreadable (the system's reason). `size` receives the file
// size in bytes.
std::ifstream open_for_reading(const std::string& path, std::uintmax_t& size);

// "[3, 1]" for flat C-order index `flat` in an array of `shape`.
std::string index_text(const std::vector<Index>& shape, Index flat);

}  // namespace attn::detail
