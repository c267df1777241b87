// Writing files so that a failure never leaves a half-written file or destroys the old one, and a
// success survives a power cut.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace attn {

// Writes through `write` into a temporary file beside `path` ("<name>.tmp-<pid>-<n>"), flushes it
// to disk, renames it over `path` and flushes the directory. The result keeps what the user had:
//   - a symlink stays a symlink and its target gets the new contents;
//   - an existing file keeps its permission bits (and owner, where allowed);
//   - a file with several hard links is updated in place once the new contents are safely on disk
//     in the temporary file, so every name sees them (the temporary is kept, and named in the
//     error, if that copy fails);
//   - temporaries of this file left by a process that no longer runs are removed.
// Throws InputError naming `path` and the system's reason when the file cannot be written; the old
// file is then unchanged.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// A JSON document (nlohmann::json, or anything with dump(indent)) as text with a final newline,
// written as above. The text is made before the file is touched: a document that cannot be
// dumped leaves the old file as it was.
template <class Json>
void write_json_atomically(const std::string& path, const Json& document, int indent = 2) {
  const std::string text = document.dump(indent) + "\n";
  write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

}  // namespace attn
