// Saves keep the user's data: durable (file flushed before the rename, directory after), faithful
// (mode, symlinks; hard links in test_save_targets.cpp), tidy (stale temporaries removed), and the old file survives a full
// disk or a read-only directory.
//
// This binary replaces libc's fsync with a recorder (the engine, linked statically, calls this
// definition), so the order of the flushes can be checked without pulling the power.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"

namespace {

namespace fs = std::filesystem;

struct FsyncCall {
  bool directory = false;
  std::string watched_contents;  // contents of the watched file when fsync was called
};
std::vector<FsyncCall> g_fsync_calls;
std::string g_watched_path;

std::string contents_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

extern "C" int fsync(int fd) {
  struct stat info {};
  ::fstat(fd, &info);
  g_fsync_calls.push_back({S_ISDIR(info.st_mode), g_watched_path.empty() ? "" : contents_of(g_watched_path)});
  using Fsync = int (*)(int);
  static const auto real = reinterpret_cast<Fsync>(::dlsym(RTLD_NEXT, "fsync"));
  return real(fd);
}

namespace attn {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("attn_atomic_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    g_fsync_calls.clear();
    g_watched_path.clear();
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static void put(const std::string& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  static void save(const std::string& p, const std::string& text) {
    write_file_atomically(p, [&](std::ostream& out) { out << text; });
  }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, FlushesTheFileBeforeTheRenameAndTheDirectoryAfter) {
  put(path("w.json"), "old");
  g_watched_path = path("w.json");
  save(path("w.json"), "new");
  ASSERT_EQ(g_fsync_calls.size(), 2u);
  EXPECT_FALSE(g_fsync_calls[0].directory);
  EXPECT_EQ(g_fsync_calls[0].watched_contents, "old") << "the file was flushed after it replaced the old one";
  EXPECT_TRUE(g_fsync_calls[1].directory);
  EXPECT_EQ(g_fsync_calls[1].watched_contents, "new");
  EXPECT_EQ(contents_of(path("w.json")), "new");
}

TEST_F(AtomicFileTest, KeepsTheModeOfTheOldFile) {
  put(path("private.json"), "old");
  fs::permissions(path("private.json"), fs::perms::owner_read | fs::perms::owner_write);
  save(path("private.json"), "new");
  EXPECT_EQ(fs::status(path("private.json")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // A new file gets the usual mode (umask applied), not the temporary's private one.
  const mode_t mask = ::umask(022);
  save(path("fresh.json"), "x");
  ::umask(mask);
  EXPECT_EQ(fs::status(path("fresh.json")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(AtomicFileTest, WritesThroughASymlinkToItsTarget) {
  fs::create_directories(dir_ / "real");
  put(path("real/data.csv"), "old");
  fs::create_symlink("real/data.csv", dir_ / "link.csv");
  save(path("link.csv"), "new");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir_ / "link.csv")));
  EXPECT_EQ(fs::read_symlink(dir_ / "link.csv"), fs::path("real/data.csv"));
  EXPECT_EQ(contents_of(path("real/data.csv")), "new");
  // A dangling link creates its target.
  fs::create_symlink("real/later.csv", dir_ / "dangling.csv");
  save(path("dangling.csv"), "made");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir_ / "dangling.csv")));
  EXPECT_EQ(contents_of(path("real/later.csv")), "made");
}

TEST_F(AtomicFileTest, RemovesStaleTemporariesOfOurOwnPatternOnly) {
  // A pid that has ended: a child that exited.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string dead = std::to_string(child);
  const std::string alive = std::to_string(::getppid());
  put(path("s.json.tmp-" + dead + "-3"), "stale");
  put(path("s.json.tmp-" + alive + "-0"), "another process is writing it");
  put(path("s.json.tmp-notes"), "not our pattern");
  put(path("other.json.tmp-" + dead + "-1"), "another file's");
  save(path("s.json"), "saved");
  EXPECT_EQ(listing(), (std::vector<std::string>{"other.json.tmp-" + dead + "-1", "s.json",
                                                 "s.json.tmp-" + alive + "-0", "s.json.tmp-notes"}));
}

TEST_F(AtomicFileTest, AFullDiskKeepsTheOldFile) {
  put(path("big.npy"), "old contents");
  // RLIMIT_FSIZE makes write() fail with EFBIG past the limit, as a full disk fails with ENOSPC.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &previous);
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ::setrlimit(RLIMIT_FSIZE, &small);
  std::string message;
  try {
    save(path("big.npy"), std::string(1 << 20, 'x'));
  } catch (const InputError& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::sigaction(SIGXFSZ, &previous, nullptr);
  EXPECT_NE(message.find("big.npy: cannot write"), std::string::npos) << message;
  EXPECT_EQ(contents_of(path("big.npy")), "old contents");
  EXPECT_EQ(listing(), std::vector<std::string>{"big.npy"});
}

TEST_F(AtomicFileTest, AReadOnlyDirectoryKeepsTheOldFile) {
  put(path("kept.json"), "old contents");
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  // Root ignores permission bits: the write runs in a child that drops to an ordinary user.
  const pid_t child = ::fork();
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
    try {
      save(path("kept.json"), "new");
    } catch (const InputError& e) {
      ::_exit(std::string(e.what()).find("kept.json: cannot write") != std::string::npos ? 0 : 3);
    }
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the write succeeded, 2: could not drop root, 3: wrong message";
  EXPECT_EQ(contents_of(path("kept.json")), "old contents");
  EXPECT_EQ(listing(), std::vector<std::string>{"kept.json"});
}

TEST_F(AtomicFileTest, AFailedWriteInTheNewCasesKeepsTheOldFileToo) {
  // Through a symlink, onto a hard-linked file and onto a private file: a writer that fails
  // leaves every one of them as it was.
  fs::create_directories(dir_ / "real");
  put(path("real/t.csv"), "target");
  fs::create_symlink("real/t.csv", dir_ / "link.csv");
  put(path("h1.npy"), "linked");
  fs::create_hard_link(dir_ / "h1.npy", dir_ / "h2.npy");
  put(path("p.json"), "private");
  fs::permissions(path("p.json"), fs::perms::owner_read | fs::perms::owner_write);
  for (const char* name : {"link.csv", "h1.npy", "p.json"}) {
    EXPECT_THROW(write_file_atomically(path(name), [](std::ostream&) { throw InputError("simulated failure"); }),
                 InputError);
  }
  EXPECT_EQ(contents_of(path("real/t.csv")), "target");
  EXPECT_EQ(contents_of(path("h2.npy")), "linked");
  EXPECT_EQ(contents_of(path("p.json")), "private");
  EXPECT_EQ(fs::status(path("p.json")).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(listing(), (std::vector<std::string>{"h1.npy", "h2.npy", "link.csv", "p.json", "real"}));
}

}  // namespace
}  // namespace attn
