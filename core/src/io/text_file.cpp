#include "attn/io/text_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"

namespace attn {

std::string read_text_file(const std::string& path, const std::string& what, std::uintmax_t max_bytes) {
  const auto fail = [&](const std::string& why) { return InputError(path + ": cannot open the " + what + ": " + why); };
  // O_NONBLOCK: opening a FIFO with no writer must not block; the type is checked on the open
  // descriptor, so the file cannot be swapped between the check and the read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw fail(errno == ENOENT ? "no such file" : std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw fail(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw fail("it is a directory");
  if (!S_ISREG(info.st_mode)) throw fail("not a regular file");
  const auto too_large = [&] {
    return InputError(path + ": the " + what + " is larger than " + std::to_string(max_bytes) + " bytes (the limit)");
  };
  if (static_cast<std::uintmax_t>(info.st_size) > max_bytes) throw too_large();
  check_memory_budget(static_cast<std::uint64_t>(info.st_size), path + ": the " + what);

  std::string text;
  text.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(path + ": cannot read the " + what + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    if (text.size() + static_cast<std::size_t>(got) > max_bytes) throw too_large();
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

}  // namespace attn
