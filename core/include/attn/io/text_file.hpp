// Reading small text files (JSON, tokens) whole, with a size cap: a FIFO, a device such as
// /dev/zero or a huge file must give an error, not a hang or an unbounded allocation.
#pragma once

#include <cstdint>
#include <string>

namespace attn {

// Largest text file the app reads whole (scenarios, lessons, word sets, tokens).
constexpr std::uintmax_t kMaxTextFileBytes = std::uintmax_t(64) << 20;

// The contents of `path`. Throws InputError "<path>: cannot open the <what>: <reason>" when it is
// missing, not a regular file (directory, FIFO, device) or unreadable, and "<path>: the <what> is
// larger than <limit> bytes" beyond `max_bytes` (checked while reading, so a file that grows does
// not escape the cap).
std::string read_text_file(const std::string& path, const std::string& what,
                           std::uintmax_t max_bytes = kMaxTextFileBytes);

}  // namespace attn
