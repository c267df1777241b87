// The memory one computation may take, in bytes. Large buffers are estimated from the real shapes
// and element size and checked against the budget before anything is allocated, so an input that
// would exhaust the machine gets a message with the bytes it needs instead.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>

#include "attn/base/types.hpp"

namespace attn {

// Default: half of the machine's physical memory (at least 1 GiB), and never more than half of
// the address space a limit (ulimit -v, RLIMIT_AS) leaves this process, so under a cap the budget
// refuses with a message before the system refuses with std::bad_alloc.
std::uint64_t memory_budget();
// 0 restores the default (tests and front ends may lower it).
void set_memory_budget(std::uint64_t bytes);

// Bytes of an array of these extents and element size; saturates instead of overflowing.
std::uint64_t array_bytes(std::initializer_list<Index> extents, std::size_t element_size);
// Saturating sum of byte counts.
std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b);

// Throws InputError "<what> needs N bytes, more than the memory budget of B bytes".
void check_memory_budget(std::uint64_t bytes, const std::string& what);

// "<source>: out of memory (...)": the message for a std::bad_alloc met while reading `source`,
// which names the file and the budget (the system refused although the budget allowed it).
std::string out_of_memory_message(const std::string& source);

[[noreturn]] void throw_out_of_memory(const std::string& source);

// Runs `read`, turning std::bad_alloc into an InputError naming `source`.
template <class Read>
auto naming_out_of_memory(const std::string& source, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    throw_out_of_memory(source);
  }
}

}  // namespace attn
