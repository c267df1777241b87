// Tokens files: one axis label per line (UTF-8 text), trailing blank lines ignored; or a NumPy
// string array (.npy, or ARCHIVE.npz:NAME).
#pragma once

#include <string>
#include <vector>

namespace ax {

// Throws attn::InputError naming the file: missing, not a regular file, too large, or unreadable.
std::vector<std::string> read_tokens_file(const std::string& path);

}  // namespace ax
