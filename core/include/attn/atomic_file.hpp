// Writing files so that a failure never leaves a half-written file or destroys the old one.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace attn {

// Writes through `write` into a temporary file beside `path`, then renames it over `path`.
// Throws InputError naming `path` and the system's reason when the file cannot be written.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace attn
