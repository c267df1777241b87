// The memory one computation may take, in bytes. Large buffers are estimated from the real shapes
// and element size and checked against the budget before anything is allocated, so an input that
// would exhaust the machine gets a message with the bytes it needs instead.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "attn/base/types.hpp"

namespace attn {

// Default: half of the machine's physical memory (at least 1 GiB).
std::uint64_t memory_budget();
// 0 restores the default (tests and front ends may lower it).
void set_memory_budget(std::uint64_t bytes);

// Bytes of an array of these extents and element size; saturates instead of overflowing.
std::uint64_t array_bytes(std::initializer_list<Index> extents, std::size_t element_size);
// Saturating sum of byte counts.
std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b);

// Throws InputError "<what> needs N bytes, more than the memory budget of B bytes".
void check_memory_budget(std::uint64_t bytes, const std::string& what);

}  // namespace attn
