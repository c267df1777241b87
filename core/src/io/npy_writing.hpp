// The bytes of an NPY file before its data (internal to core): shared by .npy files and the
// members of .npz archives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attn/base/types.hpp"

namespace attn::detail {

// Magic, version 1.0, header length and the header dict for `descr` ("<f4", "<U15") and `shape`,
// padded so the data start on a 64-byte boundary.
std::string npy_preamble(std::string_view descr, const std::vector<Index>& shape);

}  // namespace attn::detail
