// The header of an NPY payload (magic string, version, the Python dict of dtype, order and shape),
// read and checked before any data: what the payload holds and how many bytes it takes in
// memory once decoded. Internal to core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/io/ndarray.hpp"

namespace attn::detail {

// Reads up to `count` bytes into `dst`; returns how many it read (fewer only at the end).
using ByteReader = std::function<std::size_t(unsigned char* dst, std::size_t count)>;

enum class ElementKind { Float, Unicode, Bytes };

struct ElementType {
  ElementKind kind;
  DType dtype;  // for floats
  bool big_endian;
  std::size_t size;  // bytes per element
};

struct NpyHeader {
  ElementType type{};
  bool fortran_order = false;
  std::vector<Index> shape;  // 1 to 4 extents, each >= 1 (text: 1-D)
  Index count = 0;           // elements
  std::uint64_t data_bytes = 0;

  bool is_text() const { return type.kind != ElementKind::Float; }
  std::string shape_text() const;
};

// Reads and checks the header of a payload of `total_size` bytes: the version, the dict, a
// supported dtype, rank 1..4 (text 1-D), the element limit, and exactly `data_bytes` after the
// header. `source` names the stream in every error ("q.npz: member 'q.npy'").
NpyHeader read_npy_header(const ByteReader& read, std::uint64_t total_size, const std::string& source);

// Bytes the decoded payload takes: numbers as doubles (twice for Fortran order, reordered into a
// copy), or text as std::string objects and their characters.
std::uint64_t npy_memory_bytes(const NpyHeader& header);

// Refuses, before anything is allocated, a payload beyond the memory budget or a text array
// beyond kMaxTextArrayBytes: InputError naming `source`, the shape, the bytes needed and the limit.
void check_npy_memory(const NpyHeader& header, const std::string& source);

}  // namespace attn::detail
