// Inputs that used to crash, hang or exhaust the machine: text files that are not regular or too
// large, odd NPY element sizes, formulas muParser folds badly, and thread start-up failure.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/parallel.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/text_file.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/formula.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("attn_hardening_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir_;
};

TEST_F(HardeningTest, TextFilesMustBeRegularAndSmall) {
  // A FIFO with no writer: refused at once, not a hang.
  ASSERT_EQ(::mkfifo(path("pipe.json").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] {
              read_text_file(path("pipe.json"), "scenario file");
            }).find("pipe.json: cannot open the scenario file: not a regular file"),
            std::string::npos);
  // A device that never ends.
  EXPECT_NE(error_of([] { read_text_file("/dev/zero", "tokens file"); }).find("/dev/zero: cannot open the tokens file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_text_file(dir_.string(), "lesson file"); }).find("it is a directory"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_text_file(path("missing.json"), "word set");
            }).find("missing.json: cannot open the word set: no such file"),
            std::string::npos);
  std::ofstream(path("big.txt")) << std::string(1000, 'x');
  const std::string message = error_of([&] { read_text_file(path("big.txt"), "tokens file", 999); });
  EXPECT_NE(message.find("big.txt: the tokens file is larger than 999 bytes"), std::string::npos) << message;
  EXPECT_EQ(read_text_file(path("big.txt"), "tokens file", 1000).size(), 1000u);
}

TEST_F(HardeningTest, NpyFloatOfAnyStatedSizeIsRefusedWithoutOverflow) {
  // '<f9999999999' once overflowed int in the error message (atoi(size) * 8).
  for (const std::string descr : {"<f2", "<f16", "<f9999999999", "<f-1", "<fx"}) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size());
    bytes += '\0';
    bytes += header + std::string(8, '\0');
    std::ofstream(path("f.npy"), std::ios::binary) << bytes;
    const std::string message = error_of([&] { read_npy(path("f.npy")); });
    EXPECT_NE(message.find("unsupported dtype"), std::string::npos) << descr << ": " << message;
  }
  EXPECT_NE(error_of([&] { read_npy(path("f.npy")); }).find("a float of size 'x'"), std::string::npos);
}

TEST(Formula, LogicalOperatorsOnLargeConstantsFollowTheDoubles) {
  // muParser's constant folding cast these to int (undefined behaviour beyond int's range).
  EXPECT_EQ((*Formula::compile("1e10 && 1"))(0.0), 1.0);
  EXPECT_EQ((*Formula::compile("0 || 1e300"))(0.0), 1.0);
  EXPECT_EQ((*Formula::compile("0.5 && 1"))(0.0), 1.0);  // (int)0.5 would be 0
  EXPECT_EQ((*Formula::compile("z > 0 && 1e10"))(2.0), 1.0);
  EXPECT_EQ((*Formula::compile("z > 0 && 1e10"))(-2.0), 0.0);
}

TEST(MemoryBudget, WideInputsAreRefusedBeforeAllocatingWithTheBytesNeeded) {
  // One query of dimension 200000: the packed keys are padded to a whole panel, so the need grows
  // with d; it is estimated and refused before anything is allocated.
  set_memory_budget(std::uint64_t(1) << 20);
  Vectors<double> wide;
  wide.queries = MatD::Ones(1, 200000);
  std::string message;
  try {
    (void)compute_weights(wide, AttentionSpec{});
  } catch (const InputError& e) {
    message = e.what();
  }
  set_memory_budget(0);
  EXPECT_NE(message.find("attention of 1 queries and 1 keys of dimension 200000 in float64 needs "), std::string::npos)
      << message;
  EXPECT_NE(message.find("more than the memory budget of 1048576 bytes"), std::string::npos) << message;
  // Under the default budget the same input computes.
  EXPECT_EQ(compute_weights(wide, AttentionSpec{}).matrix(0, 0), 1.0);
}

TEST(MemoryBudget, ByteCountsSaturateInsteadOfOverflowing) {
  EXPECT_EQ(array_bytes({3, 4}, 8), 96u);
  EXPECT_EQ(array_bytes({Index(1) << 40, Index(1) << 40}, 8), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(add_bytes(std::numeric_limits<std::uint64_t>::max(), 5), std::numeric_limits<std::uint64_t>::max());
  EXPECT_THROW(check_memory_budget(array_bytes({Index(1) << 40, Index(1) << 40}, 8), "x"), InputError);
}

TEST(MemoryBudget, ClustersWithoutPointsAllocateNothing) {
  // 2e6 clusters for 4 points once allocated a centre for each (2e8: 1.6 GB); only the 4 used
  // centres are kept now, and the points are those every stored centre would give.
  const Dataset many = generate_dataset(DatasetKind::Clusters, 4, 2, 1, 2000000);
  EXPECT_EQ(many.points.rows(), 4);
  EXPECT_EQ(many.labels, (std::vector<int>{0, 1, 2, 3}));
  const Dataset six = generate_dataset(DatasetKind::Clusters, 4, 2, 1, 6);
  const Dataset five = generate_dataset(DatasetKind::Clusters, 4, 2, 1, 5);
  EXPECT_NE(six.points, five.points);  // the unused centres' draws still shift the stream
}

TEST(Parallel, SmallLoopsStayOnTheCallingThreadAndLargeOnesSpread) {
  set_thread_count(2);
  auto threads_used = [](Index tasks, Index work) {
    std::mutex mutex;
    std::set<std::thread::id> ids;
    parallel_for(tasks, work, [&](Index) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // lets a second thread take tasks
      std::lock_guard<std::mutex> lock(mutex);
      ids.insert(std::this_thread::get_id());
    });
    return ids;
  };
  const auto small = threads_used(4, 16);
  EXPECT_EQ(small.size(), 1u);
  EXPECT_EQ(*small.begin(), std::this_thread::get_id());
  EXPECT_EQ(threads_used(64, kMinParallelWork).size(), 2u);
  set_thread_count(0);
}

TEST(Parallel, ThreadCountIsCapped) {
  set_thread_count(1 << 20);
  EXPECT_EQ(thread_count(), max_thread_count());
  set_thread_count(0);
  EXPECT_GE(max_thread_count(), 16);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AX_SANITIZED 1
#endif
#endif

TEST(Parallel, ThreadStartFailureDegradesToFewerThreads) {
#ifdef AX_SANITIZED
  GTEST_SKIP() << "address-space limits break the sanitizers' shadow memory; the Release run checks this";
#else
  // In a child: limit the address space so that new threads (8 MB stacks) cannot start; as root a
  // process limit would not apply. Every task must still run, on the threads that did start.
  const pid_t child = ::fork();
  if (child == 0) {
    set_thread_count(64);
    rlimit limit{};
    ::getrlimit(RLIMIT_AS, &limit);
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    statm >> pages;
    limit.rlim_cur = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (24 << 20);
    ::setrlimit(RLIMIT_AS, &limit);
    std::atomic<long> sum{0};
    try {
      parallel_for(1000, [&](Index i) { sum += static_cast<long>(i); });
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(sum == 999 * 1000 / 2 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the process died (terminate) when a thread could not start";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: tasks were skipped, 2: parallel_for threw";
#endif
}

}  // namespace
}  // namespace attn
