// Issue 20, the app's readers: JSON nested 60,000 deep, a lesson whose types are wrong, a tokens
// file of 64 MiB of empty lines, scenario numbers that wrap or make loops run for ever. Each is
// rebuilt from its description and read in a child process under a memory cap and a time limit
// (capped_run.hpp): a crash, a hang or an unbounded allocation fails the test, not the machine.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "capped_run.hpp"
#include "compute/tokens_file.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/word_set.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;
using ax_test::run_capped;

constexpr std::uint64_t kMiB = std::uint64_t(1) << 20;

class HostileInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ax_hostile_inputs_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}

void expect_refused(const ax_test::CappedOutcome& outcome, const std::vector<std::string>& parts) {
  ASSERT_TRUE(outcome.input_error()) << outcome.describe();
  for (const std::string& part : parts) EXPECT_NE(outcome.message().find(part), std::string::npos) << outcome.message();
}

TEST_F(HostileInputs, ALessonNested60000DeepIsRefusedWithItsDepth) {
  // 360 KB: a step whose scenario is 60,000 nested lists.
  const std::string lesson = write(
      "deep.json", R"({"title": "t", "steps": [{"title": "s", "text": "x", "scenario": )" + nested(60000) + "}]}");
  const auto outcome = run_capped([&] { return std::to_string(load_lesson(lesson).steps.size()); }, 1024 * kMiB);
  expect_refused(outcome, {lesson, "60003 levels deep", "the limit is 256"});
  // Every JSON reader refuses it the same way.
  const std::string scenario = write("deep_scenario.json", R"({"data": )" + nested(60000) + "}");
  expect_refused(run_capped([&] { return load_scenario_file(scenario).data.generator; }, 1024 * kMiB),
                 {scenario, "levels deep"});
  const std::string words = write("deep_words.json", nested(60000));
  expect_refused(run_capped([&] { return std::to_string(load_word_set(words).tokens.size()); }, 1024 * kMiB),
                 {words, "levels deep"});
}

TEST_F(HostileInputs, ALessonOfTheWrongTypesNamesTheFileTheStepAndTheKey) {
  const std::string lesson =
      write("typed.json", R"({"title": "t", "steps": [{"title": "s", "text": "x", "view": 5}]})");
  std::string message;
  try {
    (void)load_lesson(lesson);
  } catch (const attn::InputError& e) {
    message = e.what();
  } catch (const std::exception& e) {
    message = std::string("not an InputError: ") + e.what();
  }
  EXPECT_NE(message.find(lesson + ": step 1: 'view' must be a string"), std::string::npos) << message;
}

TEST_F(HostileInputs, ATokensFileOfEmptyLinesIsRefusedBeforeItBecomesStrings) {
  // 64 MiB of newlines: 67 million empty strings, 2.2 GB, before the fix.
  const std::string path = write("tokens.txt", std::string(64 * kMiB, '\n'));
  const auto outcome = run_capped([&] { return std::to_string(read_tokens_file(path).size()); }, 768 * kMiB);
  expect_refused(outcome, {path, "67108864 labels", "more than the 262144"});
}

TEST_F(HostileInputs, AScenarioVersionThatWrapsIsRefused) {
  // 2^32 + 1 read as an int is 1, the version this app reads.
  const std::string path = write("v.json", R"({"version": 4294967297})");
  std::string message = "accepted";
  try {
    (void)load_scenario_file(path);
  } catch (const attn::InputError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find(path + ": version"), std::string::npos) << message;
}

}  // namespace
}  // namespace ax
