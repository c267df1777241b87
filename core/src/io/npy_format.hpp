// The NPY format itself, for any byte stream: a file (npy.cpp) or an archive member (npz.cpp).
// Internal to core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"
#include "io/npy_header.hpp"

namespace attn::detail {

// One NPY payload: numbers, or strings when the dtype is text ('<U' or '|S'; 1-D only).
struct NpyContent {
  NdArray numbers;
  std::vector<std::string> strings;  // UTF-8, trailing NULs dropped
  bool is_text = false;
};

// How far the size a stream states can be trusted: a file's size is what is on disk; an archive
// member's size is what its directory declares, and may be a lie.
enum class StatedSize { OnDisk, Declared };

// Reads a whole NPY payload of `total_size` bytes from `read`. The header is checked against
// `total_size` (shape, element type, rank 1..4, element limit) and the memory it needs against
// the budget (check_npy_memory) before the data are read. A Declared size allocates nothing from
// the header's shape: buffers grow as the data arrive, so an archive that declares 2 GiB and holds
// 100 bytes costs about 100 bytes. `source` names the stream in every error ("q.npz: member 'q.npy'").
NpyContent read_npy_content(const ByteReader& read, std::uint64_t total_size, const std::string& source,
                            NonFinite policy, StatedSize stated = StatedSize::OnDisk);

}  // namespace attn::detail
