// Issue 20, readers: small files that once made the readers allocate gigabytes, read them whole
// or lose track of which member was meant. Each reproducer is built here from its description and
// read in a child process under a memory cap (capped_run.hpp), so a regression fails cleanly.
// Every expectation is a message that names the file (and the member), the bytes needed and the
// limit, arrived at without the memory.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/csv.hpp"
#include "attn/io/model_file.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/npz.hpp"
#include "capped_run.hpp"
#include "zip_writer.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;
using ax_test::run_capped;
using ax_test::ZipMember;

constexpr std::uint64_t kMiB = std::uint64_t(1) << 20;
// The address space a reproducer may add: a correct reader needs a few MiB of it.
constexpr std::uint64_t kCap = 768 * kMiB;

class ReaderBudgets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("attn_reader_budgets_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  fs::path dir_;
};

// A member whose NPY header declares `descr` x `shape` and whose data are that many zero bytes,
// deflated (1 GiB of zeros takes about 1 MB).
ZipMember zeros_member(const std::string& name, const std::string& descr, const std::vector<long long>& shape,
                       std::uint64_t bytes) {
  ZipMember m;
  m.name = name;
  m.data = ax_test::npy_header(descr, shape);
  m.zeros = bytes;
  return m;
}

void expect_refused(const ax_test::CappedOutcome& outcome, const std::vector<std::string>& parts) {
  ASSERT_TRUE(outcome.input_error()) << outcome.describe();
  for (const std::string& part : parts) EXPECT_NE(outcome.message().find(part), std::string::npos) << outcome.message();
}

TEST_F(ReaderBudgets, AHugeStringArrayIsRefusedBeforeItBecomesStrings) {
  // 2^28 one-byte strings: 256 MiB of zeros that deflate to about 255 KB, 8.5 GB as strings.
  const std::string path =
      write("tokens.npz", ax_test::zip_archive({zeros_member("tokens.npy", "|S1", {1 << 28}, 1 << 28),
                                                zeros_member("q.npy", "|S1", {1 << 28}, 1 << 28)}));
  EXPECT_LT(fs::file_size(path), 1 * kMiB);
  const auto strings = run_capped([&] { return std::to_string(NpzArchive(path).strings("tokens").size()); }, kCap);
  expect_refused(strings, {path, "member 'tokens.npy'", "268435456 strings", "needs 8589934592 bytes", "limit"});
  // Read as numbers (its type is wrong), it is refused just as early.
  const auto numbers = run_capped([&] { return NpzArchive(path).array("q").shape_text(); }, kCap);
  expect_refused(numbers, {path, "member 'q.npy'"});
  const auto model = run_capped([&] { return read_model_file(path).path; }, kCap);
  expect_refused(model, {path});
}

TEST_F(ReaderBudgets, ADeclaredSizeIsNotAllocatedBeforeTheDataArrive) {
  // 186 bytes that declare 2 GiB: the zip directory and the NPY header both say 2^28 doubles, the
  // deflated data hold only the header.
  ZipMember m = zeros_member("q.npy", "<f8", {1 << 28}, 0);
  m.declared_size = static_cast<std::uint32_t>(m.data.size() + (std::uint64_t(1) << 31));
  const std::string path = write("liar.npz", ax_test::zip_archive({m}));
  EXPECT_LT(fs::file_size(path), 400u);
  // The cap is far below 2 GiB and the budget above it (a machine with more memory): a reader that
  // allocates from the declared size fails to.
  const auto outcome = run_capped(
      [&] {
        set_memory_budget(std::uint64_t(4) << 30);
        return NpzArchive(path).array("q").shape_text();
      },
      256 * kMiB);
  expect_refused(outcome, {path, "member 'q.npy'", "truncated"});
  EXPECT_LT(outcome.peak_rss_kib, static_cast<long>(1024 * 1024)) << "peak KiB";
}

TEST_F(ReaderBudgets, AZipBombIsRefusedBeforeItInflates) {
  // q and k of 2^28 float32 each: 2 MB on disk, 2 GiB inflated, 4 GiB as doubles.
  const std::vector<long long> shape = {4, 8, 4096, 2048};
  const std::string path =
      write("bomb.npz", ax_test::zip_archive({zeros_member("q.npy", "<f4", shape, std::uint64_t(4) << 28),
                                              zeros_member("k.npy", "<f4", shape, std::uint64_t(4) << 28)}));
  EXPECT_LT(fs::file_size(path), 4 * kMiB);
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = run_capped([&] { return read_model_file(path).path; }, kCap);
  expect_refused(outcome, {path, "needs", "bytes, more than the memory budget of"});
  // Refused from the headers: nothing was inflated (inflating 2 GiB takes seconds).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  const auto member = run_capped([&] { return NpzArchive(path).array("q").shape_text(); }, kCap);
  expect_refused(member, {path, "member 'q.npy'", "(4, 8, 4096, 2048)", "needs 2147483648 bytes"});
}

TEST_F(ReaderBudgets, ACsvLargerThanItsCapIsRefusedBeforeItIsRead) {
  // 1 GiB, sparse on disk: one line of numbers and then NUL bytes the reader must never reach.
  const std::string path = write("big.csv", "1,2\n");
  fs::resize_file(path, std::uint64_t(1) << 30);
  const auto outcome = run_capped([&] { return read_array_file(path).shape_text(); }, 512 * kMiB);
  expect_refused(outcome, {path, "larger than", "bytes"});
}

TEST_F(ReaderBudgets, OutOfMemoryNamesTheFile) {
  // A legitimate 64 MiB array (16 MiB of zeros deflated), read under a cap smaller than it needs:
  // whichever refuses, the budget or the system, the message names the archive and the member.
  const std::string path =
      write("q.npz", ax_test::zip_archive({zeros_member("q.npy", "<f4", {4096, 4096}, 64 * kMiB)}));
  const auto outcome = run_capped([&] { return NpzArchive(path).array("q").shape_text(); }, 96 * kMiB);
  expect_refused(outcome, {path, "member 'q.npy'"});
}

TEST_F(ReaderBudgets, DuplicateMemberNamesAreRefused) {
  const std::string first = ax_test::npy_f32({2}, {1.0f, 2.0f});
  const std::string second = ax_test::npy_f32({2}, {3.0f, 4.0f});
  // "q.npy" and "q" are both the array q (numpy.load drops ".npy"); the same stored name twice
  // is the plain case.
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{{"q.npy", "q"}, {"q.npy", "q.npy"}}) {
    const std::string path =
        write("twice.npz", ax_test::zip_archive({ax_test::zip_member(a, first), ax_test::zip_member(b, second)}));
    std::string message;
    try {
      NpzArchive archive(path);
      message = "read silently: q = " + std::to_string(archive.array("q").values[0]);
    } catch (const InputError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find(path + ": two members are named"), std::string::npos) << message;
  }
}

TEST_F(ReaderBudgets, MemberNamesWithAColonCanBeAddressed) {
  const std::string path = write(
      "run.npz", ax_test::zip_archive({ax_test::zip_member("layer:0.npy", ax_test::npy_f32({2, 1}, {1.0f, 2.0f}))}));
  const auto member = split_archive_member(path + ":layer:0");
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->archive, path);
  EXPECT_EQ(member->name, "layer:0");
  NdArray a;
  ASSERT_NO_THROW(a = read_array_file(path + ":layer:0"));
  EXPECT_EQ(a.values, (std::vector<double>{1.0, 2.0}));
}

TEST_F(ReaderBudgets, ASymlinkLoopIsNotCalledMissing) {
  fs::create_symlink(dir_ / "b.npy", dir_ / "a.npy");
  fs::create_symlink(dir_ / "a.npy", dir_ / "b.npy");
  for (const auto& read : std::vector<std::function<void()>>{[&] { read_npy((dir_ / "a.npy").string()); },
                                                             [&] { read_csv((dir_ / "a.npy").string()); },
                                                             [&] { NpzArchive((dir_ / "a.npy").string()); }}) {
    std::string message;
    try {
      read();
    } catch (const InputError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find("a.npy"), std::string::npos) << message;
    EXPECT_NE(message.find("symbolic links"), std::string::npos) << message;
    EXPECT_EQ(message.find("no such file"), std::string::npos) << message;
  }
}

TEST_F(ReaderBudgets, NoIntegerFieldOfAnNpyHeaderWraps) {
  // 2^32 + 1 in every integer field of the header: the shape, the text width, the float size.
  for (const auto& [descr, shape] : std::vector<std::pair<std::string, long long>>{
           {"<f8", 4294967297LL}, {"<U4294967297", 1}, {"<f4294967297", 1}, {"|S4294967297", 1}}) {
    const std::string path = write("wrap.npy", ax_test::npy_header(descr, {shape}) + std::string(8, '\0'));
    std::string message;
    try {
      message = "accepted: " + read_npy(path).shape_text();
    } catch (const InputError& e) {
      message = e.what();
    }
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << descr << " " << message;
  }
}

}  // namespace
}  // namespace attn
