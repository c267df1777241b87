// The app's readers (scenario, lesson, word set, tokens, arrays) on files made by hand or by a
// fuzzer: every problem is an attn::InputError naming the file, never a crash, a hang or an
// exception of another type. The reproducers fuzzing found are in tests/data/fuzz/<target>/ and
// each is read here through the same calls as its fuzz target.
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/npz.hpp"
#include "attn/kernels/formula.hpp"
#include "compute/loaded_data.hpp"
#include "compute/tokens_file.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/lesson_session.hpp"
#include "lessons/word_set.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

class InputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ax_input_files_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // The message of the InputError `f` throws; fails the test for any other outcome.
  static std::string input_error(const std::function<void()>& f) {
    try {
      f();
    } catch (const attn::InputError& e) {
      return e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an InputError: " << e.what();
      return "";
    }
    ADD_FAILURE() << "no error";
    return "";
  }
  fs::path dir_;
};

TEST_F(InputFiles, ANumberNoDoubleHoldsNamesTheFile) {
  const std::string scenario = write("huge.json", R"({"attention": {"alpha": 1e400}})");
  const std::string message = input_error([&] { (void)load_scenario_file(scenario); });
  EXPECT_NE(message.find("huge.json: not valid JSON"), std::string::npos) << message;
  EXPECT_NE(message.find("1e400"), std::string::npos) << message;
  const std::string words = write("w.json", R"({"tokens": ["a"], "vectors": [[1e400, 0]]})");
  EXPECT_NE(input_error([&] { (void)load_word_set(words); }).find("w.json: not valid JSON"), std::string::npos);
}

TEST_F(InputFiles, ADirectoryOrAFifoIsRefusedByEveryReader) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  for (const std::string& p : {(dir_ / "fifo").string(), dir_.string()}) {
    EXPECT_NE(input_error([&] { (void)load_scenario_file(p); }).find(p + ": cannot open the scenario file"),
              std::string::npos);
    EXPECT_NE(input_error([&] { (void)load_lesson(p); }).find(p + ": cannot open the lesson file"), std::string::npos);
    EXPECT_NE(input_error([&] { (void)load_word_set(p); }).find(p + ": cannot open the word set"), std::string::npos);
    EXPECT_NE(input_error([&] { (void)read_tokens_file(p); }).find(p + ": cannot open the tokens file"),
              std::string::npos);
  }
  EXPECT_NE(input_error([] { (void)read_tokens_file("/dev/zero"); }).find("not a regular file"), std::string::npos);
}

TEST_F(InputFiles, TokensFilesSplitLinesOnly) {
  const std::string p = write("t.txt", "a\r\nb c\n\nd\n\n\n");
  EXPECT_EQ(read_tokens_file(p), (std::vector<std::string>{"a", "b c", "", "d"}));
  EXPECT_TRUE(read_tokens_file(write("empty.txt", "")).empty());
}

TEST_F(InputFiles, ALessonWhoseWordsAreNotAFileNameFailsWhenLoaded) {
  // It used to pass load_lesson and end the app in std::terminate when the step was shown.
  const std::string lesson = write("l.json", R"({"title": "t", "steps": [
      {"title": "s", "text": "x", "view": "words", "view_options": {"words": 3}}]})");
  const std::string message = input_error([&] { (void)load_lesson(lesson); });
  EXPECT_NE(message.find("l.json: step 1: view_options: 'words' must be a file name"), std::string::npos) << message;
  for (const char* options : {R"({"form": 1})", R"({"radius": "big"})", R"({"data": [1]})"}) {
    const std::string p =
        write("o.json", std::string(R"({"title": "t", "steps": [{"title": "s", "text": "x", "view_options": )") +
                            options + "}]}");
    EXPECT_NE(input_error([&] { (void)load_lesson(p); }).find("o.json: step 1: view_options"), std::string::npos)
        << options;
  }
}

// ---- Reproducers found by the fuzz targets (fuzz/), read as each target reads them.

// The fuzz targets whose reproducers FuzzReproducersNoLongerCrash reads, each in its own folder
// (a target with no reproducers yet has none).
const std::set<std::string> kTargetsRead = {"npy",    "npz",    "csv",     "scenario",  "word_set",
                                            "tokens", "lesson", "formula", "array_file"};
// The generator targets, whose inputs mean something only to their own generator: their reproducers
// (tests/data/fuzz/NAME) are replayed by ctest's fuzz_smoke_NAME, which runs the target over them.
const std::set<std::string> kTargetsReplayedBySmoke = {"npz_structure", "scenario_view"};

bool reproducers_are_replayed(const std::string& target) {
  return kTargetsRead.count(target) > 0 || kTargetsReplayedBySmoke.count(target) > 0;
}

std::vector<fs::path> reproducers(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path root(AX_FUZZ_REPRODUCERS_DIR);
  // The folder gone once made the test below pass with nothing read.
  if (!fs::is_directory(root)) ADD_FAILURE() << root << ": the reproducers' folder is missing";
  if (!reproducers_are_replayed(target))
    ADD_FAILURE() << target << " is in neither kTargetsRead nor kTargetsReplayedBySmoke";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root / target, ec)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Every folder of reproducers belongs to a target read below, and every fuzz target is read, so
// a reproducer is never skipped in silence.
TEST(FuzzReproducers, EveryFolderAndEveryTargetIsRead) {
  const fs::path root(AX_FUZZ_REPRODUCERS_DIR);
  ASSERT_TRUE(fs::is_directory(root)) << root << ": the reproducers' folder is missing";
  int folders = 0;
  for (const auto& e : fs::directory_iterator(root)) {
    EXPECT_TRUE(e.is_directory() && reproducers_are_replayed(e.path().filename().string()))
        << e.path() << ": not the folder of a target whose reproducers are read";
    EXPECT_FALSE(reproducers(e.path().filename().string()).empty()) << e.path() << " is empty";
    ++folders;
  }
  EXPECT_GT(folders, 0);
  int targets = 0;
  for (const auto& e : fs::directory_iterator(root.parent_path().parent_path().parent_path() / "fuzz")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("fuzz_", 0) != 0 || e.path().extension() != ".cpp") continue;
    const std::string target = name.substr(5, name.size() - 5 - 4);
    EXPECT_TRUE(reproducers_are_replayed(target)) << "fuzz/" << name << ": its reproducers are not read";
    ++targets;
  }
  EXPECT_EQ(targets, static_cast<int>(kTargetsRead.size() + kTargetsReplayedBySmoke.size()));
}

// Copies a reproducer to a file with the extension the reader dispatches on.
std::string as_file(const fs::path& reproducer, const fs::path& dir, const std::string& extension) {
  const fs::path copy = dir / (reproducer.filename().string() + extension);
  fs::copy_file(reproducer, copy, fs::copy_options::overwrite_existing);
  return copy.string();
}

// Passes when `read` returns or throws InputError/UsageError; anything else is the old bug.
void expect_clean_outcome(const fs::path& reproducer, const std::function<void()>& read) {
  try {
    read();
  } catch (const attn::InputError&) {
  } catch (const attn::UsageError&) {
  } catch (const std::exception& e) {
    ADD_FAILURE() << reproducer << ": " << e.what();
  }
}

TEST_F(InputFiles, FuzzReproducersNoLongerCrash) {
  int count = 0;
  for (const auto& r : reproducers("npy")) {
    expect_clean_outcome(r, [&] { (void)attn::read_array_file(as_file(r, dir_, ".npy"), attn::NonFinite::AllowNaN); });
    ++count;
  }
  for (const auto& r : reproducers("npz")) {
    expect_clean_outcome(r, [&] {
      const attn::NpzArchive archive(as_file(r, dir_, ".npz"));
      for (const std::string& name : archive.names()) (void)archive.array(name, attn::NonFinite::AllowNaN);
    });
    ++count;
  }
  for (const auto& r : reproducers("csv")) {
    expect_clean_outcome(r, [&] { (void)attn::read_array_file(as_file(r, dir_, ".csv"), attn::NonFinite::AllowNaN); });
    ++count;
  }
  for (const auto& r : reproducers("scenario")) {
    expect_clean_outcome(r, [&] { (void)load_scenario_file(r.string()); });
    ++count;
  }
  for (const auto& r : reproducers("word_set")) {
    expect_clean_outcome(r, [&] {
      const WordSet words = load_word_set(r.string());
      for (const auto& s : words.sentences) (void)words.sentence_vectors(s);
    });
    ++count;
  }
  for (const auto& r : reproducers("tokens")) {
    expect_clean_outcome(r, [&] { (void)read_tokens_file(r.string()); });
    ++count;
  }
  for (const auto& r : reproducers("lesson")) {
    expect_clean_outcome(r, [&] {
      LessonSession session;
      session.open(as_file(r, dir_, ".json"));
      for (int step = 0; step < session.step_count(); ++step) {
        (void)step_state(session.lesson(), step, AppState{});
        (void)session.words_for_step(step);
      }
    });
    ++count;
  }
  for (const auto& r : reproducers("formula")) {
    std::ifstream in(r, std::ios::binary);
    const std::string expression((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    expect_clean_outcome(r, [&] { (void)(*attn::Formula::compile(expression))(0.5); });
    ++count;
  }
  for (const auto& r : reproducers("array_file")) {
    expect_clean_outcome(r, [&] {
      DataSettings settings;
      settings.source = DataSource::File;
      settings.vectors_path = as_file(r, dir_, ".npy");
      (void)load_data(settings);
    });
    ++count;
  }
  RecordProperty("reproducers", count);
  EXPECT_GT(count, 0) << "no reproducer read from " << AX_FUZZ_REPRODUCERS_DIR;
}

}  // namespace
}  // namespace ax
