#include "attn/base/memory_budget.hpp"

#include <atomic>
#include <limits>

#include <unistd.h>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();
std::atomic<std::uint64_t> g_budget{0};

std::uint64_t default_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  constexpr std::uint64_t kFloor = std::uint64_t(1) << 30;
  if (pages <= 0 || page_size <= 0) return kFloor;
  const std::uint64_t half = static_cast<std::uint64_t>(pages) / 2 * static_cast<std::uint64_t>(page_size);
  return half > kFloor ? half : kFloor;
}

}  // namespace

std::uint64_t memory_budget() {
  const std::uint64_t set = g_budget.load();
  return set > 0 ? set : default_budget();
}

void set_memory_budget(std::uint64_t bytes) { g_budget.store(bytes); }

std::uint64_t array_bytes(std::initializer_list<Index> extents, std::size_t element_size) {
  std::uint64_t bytes = element_size;
  for (Index extent : extents) {
    if (extent <= 0) return 0;
    const auto e = static_cast<std::uint64_t>(extent);
    if (bytes > kSaturated / e) return kSaturated;
    bytes *= e;
  }
  return bytes;
}

std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b) { return a > kSaturated - b ? kSaturated : a + b; }

void check_memory_budget(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t budget = memory_budget();
  if (bytes <= budget) return;
  throw InputError(what + " needs " + (bytes == kSaturated ? std::string("more than 2^64") : std::to_string(bytes)) +
                   " bytes, more than the memory budget of " + std::to_string(budget) + " bytes");
}

}  // namespace attn
