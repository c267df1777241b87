// Issue 20, saves: what a save replaces keeps its old contents until the new ones are complete
// (plain files, symlinks and hard links alike) under a full disk and under kill -9 at any moment;
// FIFOs, devices and sockets are refused rather than replaced by a regular file; "-" is standard
// output; a 250-character name can be saved.
//
// A full disk is simulated by this binary's write() and writev(): while g_disk_room >= 0 they
// accept that many more bytes in all and then fail with ENOSPC, as a filling file system does
// (the engine and libstdc++ call these definitions). Where the machine allows it (root, mount
// namespaces), a real 1 MiB tmpfs is filled too.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"

namespace {

std::atomic<long long> g_disk_room{-1};  // bytes the simulated disk still takes; -1: no limit

// How much of `wanted` bytes the disk takes now (0: full); consumes it.
long long take_room(long long wanted) {
  long long room = g_disk_room.load();
  if (room < 0) return wanted;
  const long long taken = std::min(room, wanted);
  g_disk_room.fetch_sub(taken);
  return taken;
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buf, size_t count) {
  using Write = ssize_t (*)(int, const void*, size_t);
  static const auto real = reinterpret_cast<Write>(::dlsym(RTLD_NEXT, "write"));
  if (fd <= 2) return real(fd, buf, count);
  const long long taken = take_room(static_cast<long long>(count));
  if (taken == 0 && count > 0) {
    errno = ENOSPC;
    return -1;
  }
  return real(fd, buf, static_cast<size_t>(taken));
}

extern "C" ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  // Written one buffer at a time through write() above: a short write is what a full disk gives.
  ssize_t total = 0;
  for (int k = 0; k < iovcnt; ++k) {
    const ssize_t put = write(fd, iov[k].iov_base, iov[k].iov_len);
    if (put < 0) return total > 0 ? total : put;
    total += put;
    if (static_cast<size_t>(put) < iov[k].iov_len) break;
  }
  return total;
}

namespace attn {
namespace {

namespace fs = std::filesystem;

std::string contents_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Version k of a file: a header naming k, then `size` bytes of one letter; whole or not at all.
std::string version(int k, std::size_t size) {
  return "version " + std::to_string(k) + "\n" + std::string(size, static_cast<char>('a' + k % 26));
}
// -1 when `text` is no complete version of this size.
int version_of(const std::string& text, std::size_t size) {
  for (int k = 0; k < 1000; ++k) {
    if (text.size() == version(k, size).size() && text == version(k, size)) return k;
  }
  return -1;
}

enum class Target { Plain, Symlink, HardLink };
const char* target_name(Target t) {
  return t == Target::Plain ? "plain" : t == Target::Symlink ? "symlink" : "hard link";
}

class SaveTargets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("attn_saves_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    g_disk_room = -1;
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static void put(const std::string& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  static void save(const std::string& p, const std::string& text) {
    write_file_atomically(p, [&](std::ostream& out) { out << text; });
  }
  // The name a save writes to, holding `text`, set up as `kind`; `also` is every name whose
  // contents the save could touch (the name, a symlink's target, the other hard link).
  std::string make_target(Target kind, const std::string& text, std::vector<std::string>& also) const {
    also.clear();
    if (kind == Target::Plain) {
      put(path("plain.npy"), text);
      also = {path("plain.npy")};
      return path("plain.npy");
    }
    if (kind == Target::Symlink) {
      fs::create_directories(dir_ / "real");
      put(path("real/data.npy"), text);
      fs::create_symlink("real/data.npy", dir_ / "link.npy");
      also = {path("link.npy"), path("real/data.npy")};
      return path("link.npy");
    }
    put(path("first.npy"), text);
    fs::create_hard_link(dir_ / "first.npy", dir_ / "second.npy");
    also = {path("first.npy"), path("second.npy")};
    return path("first.npy");
  }
  std::vector<std::string> temporaries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().filename().string().find(".tmp-") != std::string::npos) names.push_back(e.path().string());
    }
    return names;
  }
  fs::path dir_;
};

TEST_F(SaveTargets, AFullDiskLeavesEveryNameWholeForPlainFilesSymlinksAndHardLinks) {
  constexpr std::size_t kOld = 100000, kNew = 300000;
  for (Target kind : {Target::Plain, Target::Symlink, Target::HardLink}) {
    // The disk fills at every point of the save: before the temporary, inside it, just after it.
    for (long long room : {0LL, 1000LL, static_cast<long long>(kNew) / 2, static_cast<long long>(kNew) + 10,
                           static_cast<long long>(kNew) * 3 / 2, static_cast<long long>(kNew) * 3}) {
      SCOPED_TRACE(std::string(target_name(kind)) + ", room " + std::to_string(room));
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      std::vector<std::string> names;
      const std::string target = make_target(kind, version(1, kOld), names);
      std::string error;
      g_disk_room = room;
      try {
        save(target, version(2, kNew));
      } catch (const InputError& e) {
        error = e.what();
      }
      g_disk_room = -1;
      for (const std::string& name : names) {
        const std::string text = contents_of(name);
        EXPECT_TRUE(version_of(text, kOld) == 1 || version_of(text, kNew) == 2)
            << name << " holds " << text.size() << " bytes, neither version whole";
      }
      // Failed: the name still holds the old version; succeeded: the new one.
      EXPECT_EQ(version_of(contents_of(target), error.empty() ? kNew : kOld), error.empty() ? 2 : 1) << error;
      if (!error.empty()) {
        EXPECT_NE(error.find(target + ": cannot write"), std::string::npos) << error;
      }
      EXPECT_TRUE(temporaries().empty());
    }
  }
}

TEST_F(SaveTargets, KillNineAtAnyMomentLeavesEveryNameWhole) {
  constexpr std::size_t kSize = 4 << 20;
  std::mt19937 random(20);
  for (Target kind : {Target::Plain, Target::Symlink, Target::HardLink}) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::vector<std::string> names;
    const std::string target = make_target(kind, version(0, kSize), names);
    const auto start = std::chrono::steady_clock::now();
    save(target, version(0, kSize));
    const auto one_save = std::chrono::steady_clock::now() - start;
    int corrupt = 0;
    for (int round = 0; round < 30; ++round) {
      const pid_t child = ::fork();
      if (child == 0) {
        for (int k = 1;; ++k) {
          try {
            save(target, version(k, kSize));
          } catch (...) {
            ::_exit(3);
          }
        }
      }
      const auto delay = std::uniform_int_distribution<long long>(0, 3 * one_save.count())(random);
      std::this_thread::sleep_for(std::chrono::steady_clock::duration(delay));
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
      for (const std::string& name : names) {
        if (version_of(contents_of(name), kSize) < 0) ++corrupt;
      }
    }
    EXPECT_EQ(corrupt, 0) << target_name(kind) << ": names left half-written by kill -9 in 30 rounds";
  }
}

TEST_F(SaveTargets, AHardLinkedTargetIsReplacedWholeAndTheOtherNameKeepsTheOldFile) {
  put(path("a.npy"), "old");
  fs::create_hard_link(dir_ / "a.npy", dir_ / "b.npy");
  save(path("a.npy"), "new contents");
  EXPECT_EQ(contents_of(path("a.npy")), "new contents");
  EXPECT_EQ(contents_of(path("b.npy")), "old");  // the link is broken, never half-written
  EXPECT_EQ(fs::hard_link_count(dir_ / "a.npy"), 1u);
  EXPECT_TRUE(temporaries().empty());
}

TEST_F(SaveTargets, FifosDevicesAndSocketsAreRefusedNotReplaced) {
  ASSERT_EQ(::mkfifo(path("pipe").c_str(), 0600), 0);
  std::vector<std::pair<std::string, std::string>> targets = {{path("pipe"), "a FIFO (named pipe)"}};
  // A device node like /dev/null (only root may make one; as root, --json /dev/null replaced it).
  if (::mknod(path("null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    targets.push_back({path("null"), "a character device"});
  }
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = path("sock");
  if (socket_path.size() < sizeof address.sun_path) {
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
    if (::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      targets.push_back({socket_path, "a socket"});
    }
  }
  fs::create_symlink(path("pipe"), dir_ / "to_pipe.json");
  targets.push_back({path("to_pipe.json"), "a FIFO (named pipe)"});
  for (const auto& [target, kind] : targets) {
    const auto type_before = fs::status(target).type();
    std::string error;
    try {
      save(target, "{}");
    } catch (const InputError& e) {
      error = e.what();
    }
    EXPECT_NE(error.find(target + ": cannot write: it is " + kind), std::string::npos) << target << ": " << error;
    EXPECT_EQ(fs::status(target).type(), type_before) << target << " was replaced";
  }
  ::close(sock);
  EXPECT_TRUE(temporaries().empty());
}

TEST_F(SaveTargets, ADashWritesToStandardOutput) {
  const std::string captured = path("stdout.txt");
  const int saved = ::dup(1);
  const int file = ::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(file, 1);
  ::close(file);
  const fs::path before = fs::current_path();
  fs::current_path(dir_);
  std::string error;
  try {
    save("-", "{\"ok\": true}\n");
  } catch (const InputError& e) {
    error = e.what();
  }
  std::cout.flush();
  ::dup2(saved, 1);
  ::close(saved);
  fs::current_path(before);
  EXPECT_EQ(error, "");
  EXPECT_EQ(contents_of(captured), "{\"ok\": true}\n");
  EXPECT_FALSE(fs::exists(dir_ / "-")) << "a file named '-' was written";
}

TEST_F(SaveTargets, ALongFileNameCanBeSaved) {
  const std::string name = std::string(246, 'n') + ".npy";  // 250 characters; NAME_MAX is 255
  save(path(name), "first");
  save(path(name), "second");
  EXPECT_EQ(contents_of(path(name)), "second");
  EXPECT_TRUE(temporaries().empty());
}

// A real full file system: a 1 MiB tmpfs mounted in a private mount namespace of a child process.
// Per kind of target: 200 KB of other files, the old 100 KB file, then a save of 450 KB (it fits
// beside the old file, but not twice) and a save of 900 KB (it cannot fit).
TEST_F(SaveTargets, ARealFullTmpfsLeavesEveryNameWhole) {
  const pid_t child = ::fork();
  if (child == 0) {
    const fs::path mount_point = dir_ / "tmpfs";
    fs::create_directories(mount_point);
    if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
      ::_exit(77);  // not allowed here (not root, or no mount namespaces)
    }
    int failures = 0;
    for (Target kind : {Target::Plain, Target::Symlink, Target::HardLink}) {
      for (const std::size_t size : {std::size_t(450000), std::size_t(900000)}) {
        for (const auto& e : fs::directory_iterator(mount_point)) fs::remove_all(e.path());
        put((mount_point / "other").string(), std::string(200000, 'o'));
        std::string name = (mount_point / "first").string(), also = name;
        put(name, version(1, 100000));
        if (kind == Target::Symlink)
          fs::create_symlink("first", mount_point / "link"), name = (mount_point / "link").string();
        if (kind == Target::HardLink)
          fs::create_hard_link(mount_point / "first", mount_point / "second"), also = (mount_point / "second").string();
        bool saved = true;
        try {
          save(name, version(2, size));
        } catch (const InputError&) {
          saved = false;
        }
        if (version_of(contents_of(name), saved ? size : 100000) != (saved ? 2 : 1)) ++failures;
        if (version_of(contents_of(also), 100000) != 1 && version_of(contents_of(also), size) != 2) ++failures;
        if (size == 900000 && saved) ++failures;
        for (const auto& e : fs::directory_iterator(mount_point)) {
          if (e.path().filename().string().find(".tmp-") != std::string::npos) ++failures;
        }
      }
    }
    ::umount(mount_point.c_str());
    ::_exit(failures == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "cannot mount a tmpfs here; the simulated full disk above stands in";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a name on the full tmpfs was left half-written, or a temporary stayed";
}

}  // namespace
}  // namespace attn
