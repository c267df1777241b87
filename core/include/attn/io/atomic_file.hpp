// Writing files so that a failure never leaves a half-written file or destroys the old one, and a
// success survives a power cut.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace attn {

// Writes through `write` into a temporary file beside `path` ("<name>.tmp-<pid>-<n>", the name cut
// to fit NAME_MAX), flushes it to disk, renames it over `path` and flushes the directory. The old
// contents stay whole until the new ones are complete, whatever happens (a full disk, kill -9, a
// power cut). The result keeps what the user had where that is safe:
//   - a symlink stays a symlink and its target gets the new contents;
//   - an existing file keeps its permission bits (and owner, where allowed);
//   - a file with several hard links is replaced like any other: `path` names the new file, the
//     other links keep the old contents (the link is broken, never half-written);
//   - temporaries of this file left by a process that no longer runs are removed.
// `path` "-" writes to standard output. A target that is not a regular file (a FIFO, a device, a
// socket, a directory; after following symlinks) is refused. Throws InputError naming `path` and
// the reason when the file cannot be written; the old file is then unchanged.
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
