#include "attn/io/atomic_file.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

std::atomic<unsigned> g_temp_counter{0};

std::string system_reason(int error) { return error ? std::strerror(error) : "write failed"; }

// Closes a descriptor at the end of a scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  // close() reports delayed write errors (NFS, quotas): callers of a write must see them.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

// The file to replace: `path`, or the file its chain of symlinks ends at.
fs::path resolve_target(const fs::path& path) {
  fs::path target = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(target, ec))) return target;
    const fs::path link = fs::read_symlink(target, ec);
    if (ec) return target;
    target = link.is_absolute() ? link : target.parent_path() / link;
  }
  throw InputError(path.string() + ": cannot write: too many levels of symbolic links");
}

// The temporaries' names start with the target's name, cut so that "<stem>.tmp-<pid>-<n>" stays
// within NAME_MAX (255 bytes) however long the target's name is.
std::string temp_stem(const std::string& target_name) {
  constexpr std::size_t kRoomForSuffix = 40;  // ".tmp-" + two numbers of up to 10 and 20 digits
  return target_name.substr(0, std::min<std::size_t>(target_name.size(), 255 - kRoomForSuffix));
}

// "<stem>.tmp-<pid>-<n>" with all digits: a temporary of ours, and the process that wrote it.
bool parse_temp_name(const std::string& file_name, const std::string& target_name, pid_t& pid) {
  const std::string prefix = temp_stem(target_name) + ".tmp-";
  if (file_name.rfind(prefix, 0) != 0) return false;
  const std::string rest = file_name.substr(prefix.size());
  const auto dash = rest.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == rest.size() || dash > 9) return false;
  for (std::size_t k = 0; k < rest.size(); ++k) {
    if (k != dash && (rest[k] < '0' || rest[k] > '9')) return false;
  }
  pid = static_cast<pid_t>(std::stol(rest.substr(0, dash)));
  return true;
}

// Temporaries of `target` whose writer has ended (killed mid-write, power cut) are garbage.
void remove_stale_temporaries(const fs::path& target) {
  std::error_code ec;
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string name = target.filename().string();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    pid_t pid = 0;
    if (!parse_temp_name(it->path().filename().string(), name, pid)) continue;
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still running
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

void sync_directory(const fs::path& dir) {
  Descriptor fd(::open((dir.empty() ? fs::path(".") : dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // best effort: some file systems refuse fsync on a directory
}

// What a target other than a regular file is, in a message; null for a regular file or none.
const char* special_kind(const fs::path& target) {
  struct stat info {};
  if (::lstat(target.c_str(), &info) != 0 || S_ISREG(info.st_mode)) return nullptr;
  if (S_ISDIR(info.st_mode)) return "a directory";
  if (S_ISFIFO(info.st_mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(info.st_mode)) return "a character device";
  if (S_ISBLK(info.st_mode)) return "a block device";
  if (S_ISSOCK(info.st_mode)) return "a socket";
  return "not a regular file";
}

void write_to_standard_output(const std::function<void(std::ostream&)>& write) {
  write(std::cout);
  std::cout.flush();
  if (!std::cout) throw InputError("-: cannot write to standard output");
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (path == "-") return write_to_standard_output(write);
  const fs::path target = resolve_target(path);
  // A FIFO, a device or a socket would be replaced by a regular file (as root, --json /dev/null
  // would replace the system's /dev/null): refused, as a directory is.
  if (const char* kind = special_kind(target)) {
    throw InputError(path + ": cannot write: it is " + kind + "; files are saved as regular files only" +
                     " (- writes to standard output)");
  }
  remove_stale_temporaries(target);

  struct stat old {};
  const bool exists = ::stat(target.c_str(), &old) == 0;
  const fs::path dir = target.parent_path();
  const std::string temp = (dir / temp_stem(target.filename().string())).string() + ".tmp-" +
                           std::to_string(::getpid()) + "-" + std::to_string(g_temp_counter.fetch_add(1));
  const auto fail = [&](int error) {
    std::remove(temp.c_str());
    return InputError(path + ": cannot write: " + system_reason(error));
  };

  // Created private, then given the old file's mode, so the contents are never more readable
  // than the user made them.
  Descriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw InputError(path + ": cannot write: " + system_reason(errno));
  if (exists) {
    if (::fchown(fd.get(), old.st_uid, old.st_gid) != 0) {
      // Not the owner: the new file is ours, as with any editor; the mode still carries over.
    }
    ::fchmod(fd.get(), old.st_mode & 07777);
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd.get(), 0666 & ~mask);
  }
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw fail(errno);
    try {
      write(out);
    } catch (...) {
      out.close();
      std::remove(temp.c_str());
      throw;
    }
    out.flush();
    if (!out) throw fail(errno);
    out.close();
    if (!out) throw fail(errno);
  }
  // On disk before it replaces anything: a crash after the rename must not leave an empty file.
  if (::fsync(fd.get()) != 0) throw fail(errno);
  if (fd.close() != 0) throw fail(errno);

  // A file with other hard links is replaced like any other: the new contents are complete before
  // this name points at them, and the other names keep the old file (writing through the link in
  // place would destroy the old contents when the disk fills or the process dies mid-copy).
  if (std::rename(temp.c_str(), target.c_str()) != 0) throw fail(errno);
  sync_directory(target.parent_path());
}

}  // namespace attn
