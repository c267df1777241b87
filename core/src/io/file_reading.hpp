// Shared helpers of the file readers (internal to core).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"

namespace attn::detail {

// Opens `path` for binary reading; throws InputError when it is missing, a directory or
// unreadable. `size` receives the file size in bytes.
std::ifstream open_for_reading(const std::string& path, std::uintmax_t& size);

// `text` made safe for a one-line message: control characters and bytes outside printable ASCII
// become \xNN escapes, and long text is cut (file contents are quoted in errors).
std::string printable(const std::string& text, std::size_t max_length = 40);

// "[3, 1]" for flat C-order index `flat` in an array of `shape`.
std::string index_text(const std::vector<Index>& shape, Index flat);

}  // namespace attn::detail
