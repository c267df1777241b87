#include "attn/base/memory_budget.hpp"

#include <atomic>
#include <fstream>
#include <limits>

#include <sys/resource.h>
#include <unistd.h>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();
std::atomic<std::uint64_t> g_budget{0};

// Address space in use (VmSize of /proc/self/status), or 0 when unknown.
std::uint64_t address_space_used() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmSize:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

std::uint64_t default_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  constexpr std::uint64_t kFloor = std::uint64_t(1) << 30;
  std::uint64_t budget = kFloor;
  if (pages > 0 && page_size > 0) {
    const std::uint64_t half = static_cast<std::uint64_t>(pages) / 2 * static_cast<std::uint64_t>(page_size);
    if (half > budget) budget = half;
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used = address_space_used();
    const std::uint64_t cap = static_cast<std::uint64_t>(limit.rlim_cur);
    const std::uint64_t room = cap > used ? (cap - used) / 2 : 0;
    if (room < budget) budget = room;
  }
  return budget;
}

std::string bytes_text(std::uint64_t bytes) {
  return bytes == kSaturated ? std::string("more than 2^64") : std::to_string(bytes);
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
  throw InputError(what + " needs " + bytes_text(bytes) + " bytes, more than the memory budget of " +
                   std::to_string(budget) + " bytes");
}

std::string out_of_memory_message(const std::string& source) {
  return source + ": out of memory: the system refused an allocation while reading it (the memory budget is " +
         std::to_string(memory_budget()) + " bytes; close other programs or use a smaller file)";
}

void throw_out_of_memory(const std::string& source) { throw InputError(out_of_memory_message(source)); }

}  // namespace attn
