// The readers under test take file names, so each fuzz input is written to a file first. One file
// per process (libFuzzer's workers are processes), in $TMPDIR, named with the extension the reader
// dispatches on; it is removed when the process ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <unistd.h>

#include "attn/base/errors.hpp"

namespace ax_fuzz {

class InputFile {
 public:
  explicit InputFile(const std::string& extension) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/ax-fuzz-" + std::to_string(::getpid()) + extension;
  }
  ~InputFile() { std::remove(path_.c_str()); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Replaces the file's contents with the fuzz input.
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path_;
  }

 private:
  std::string path_;
};

// Runs `read`; the readers' documented failures (InputError, UsageError) are the expected outcome
// for most inputs. Any other exception escapes to libFuzzer, which reports it as a crash: that is
// the finding (an error without the file name, or one a caller does not expect).
template <class Read>
void expect_only_documented_errors(Read&& read) {
  try {
    read();
  } catch (const attn::InputError&) {
  } catch (const attn::UsageError&) {}
}

}  // namespace ax_fuzz
