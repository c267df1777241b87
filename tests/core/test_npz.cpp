// NPZ archives written by NumPy itself (tests/core/make_npz_files.py runs at test time), malformed
// archives, `ARCHIVE.npz:NAME` paths, 4-D stacks and model files.
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/model_file.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/npz.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

// The value make_npz_files.py stores at C-order flat index k of every numeric array.
double pattern(Index k) { return static_cast<double>(k % 97) * 0.25 - 3.0; }

class NpzTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("attn_npz_test_" + std::to_string(::getpid()));
    const std::string command = std::string(AX_PYTHON) + " " + AX_NPZ_SCRIPT + " " + dir_.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << "could not write the NumPy files: " << command;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }
  static fs::path dir_;
};
fs::path NpzTest::dir_;

void expect_pattern(const NdArray& a, const std::vector<Index>& shape, const std::string& what) {
  EXPECT_EQ(a.shape, shape) << what;
  ASSERT_EQ(a.size(), static_cast<Index>(a.values.size())) << what;
  for (Index k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a.values[static_cast<std::size_t>(k)], pattern(k)) << what << " at flat index " << k;
  }
}

TEST_F(NpzTest, ReadsEveryLayoutNumpyWritesStoredAndDeflated) {
  for (const char* file : {"stored.npz", "deflated.npz"}) {
    const NpzArchive archive(path(file));
    EXPECT_TRUE(archive.contains("a4"));
    EXPECT_FALSE(archive.contains("a4.npy"));
    expect_pattern(archive.array("a1"), {7}, file);
    expect_pattern(archive.array("a2"), {3, 5}, file);
    expect_pattern(archive.array("a3"), {2, 3, 4}, file);
    expect_pattern(archive.array("a4"), {2, 3, 4, 5}, file);
    expect_pattern(archive.array("a4_big_fortran"), {2, 2, 3, 2}, file);
    expect_pattern(archive.array("a3_big_f8_fortran"), {3, 2, 2}, file);
    EXPECT_EQ(archive.array("a2").dtype, DType::Float32);
    const std::vector<std::string> tokens = {"the", "na\xc3\xafve", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", ""};
    EXPECT_EQ(archive.strings("tokens"), tokens);
    EXPECT_EQ(archive.strings("tokens_big"), tokens);
    EXPECT_EQ(archive.strings("bytes"), (std::vector<std::string>{"ab", "c"}));
  }
}

TEST_F(NpzTest, TextNpyFilesAreTokens) {
  const std::vector<std::string> tokens = {"the", "na\xc3\xafve", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", ""};
  EXPECT_EQ(read_npy_strings(path("tokens.npy")), tokens);
  const std::string as_numbers = error_of([] { read_npy(path("tokens.npy")); });
  EXPECT_NE(as_numbers.find("holds 5 strings, not numbers"), std::string::npos) << as_numbers;
}

TEST_F(NpzTest, MemberPathsSelectOneArray) {
  expect_pattern(read_array_file(path("deflated.npz") + ":a4"), {2, 3, 4, 5}, "a4");
  EXPECT_EQ(split_archive_member("dir:x/run.npz:q")->archive, "dir:x/run.npz");
  EXPECT_FALSE(split_archive_member("plain.npy").has_value());
  const std::string bare = error_of([] { read_array_file(path("stored.npz")); });
  EXPECT_NE(bare.find("name one as"), std::string::npos) << bare;
  EXPECT_NE(bare.find("a4_big_fortran"), std::string::npos) << bare;
  const std::string missing = error_of([] { read_array_file(path("stored.npz") + ":nope"); });
  EXPECT_NE(missing.find("no array named 'nope'"), std::string::npos) << missing;
}

TEST_F(NpzTest, SlicesOfFourDimensionalStacks) {
  const NdArray a4 = NpzArchive(path("stored.npz")).array("a4");
  EXPECT_EQ(a4.stack().size(), 6u);
  const NdArray layer = a4.slice(1, "a4", "layer");
  const NdArray head = layer.slice(2, "a4", "head");
  EXPECT_EQ(head.shape, (std::vector<Index>{4, 5}));
  EXPECT_EQ(head.values.front(), pattern((1 * 3 + 2) * 20));
  EXPECT_EQ(a4.stack()[5](0, 0), head.values.front());
  const std::string e = error_of([&] { a4.slice(2, "x.npz:q", "layer"); });
  EXPECT_NE(e.find("layer 2 does not exist"), std::string::npos) << e;
}

TEST_F(NpzTest, MalformedArchivesNameTheMemberAndTheProblem) {
  const std::vector<std::pair<std::function<void()>, std::string>> cases = {
      {[] { NpzArchive a(path("truncated.npz")); }, "not a readable NPZ archive"},
      {[] { NpzArchive a(path("not_a_zip.npz")); }, "not a readable NPZ archive"},
      {[] { NpzArchive a(path("missing.npz")); }, "no such file"},
      {[] { NpzArchive(path("wrong_type.npz")).array("ints"); }, "member 'ints.npy': unsupported dtype '<i8' (integer"},
      {[] { NpzArchive(path("wrong_type.npz")).array("notes"); }, "member 'notes.npy': not an NPY file"},
      {[] { NpzArchive(path("wrong_type.npz")).strings("ok"); }, "member 'ok.npy': holds numbers"},
      {[] { NpzArchive(path("stored.npz")).array("tokens"); }, "member 'tokens.npy': holds 5 strings"},
      {[] { NpzArchive(path("unknown_method.npz")).array("q"); }, "member 'q.npy': uses compression method 98"},
      {[] { NpzArchive a(path("bomb.npz")); }, "member 'q.npy': declares 4294967280 bytes uncompressed"},
      {[] { NpzArchive(path("short_declared.npz")).array("q"); },
       "member 'q.npy': truncated NPY file: shape (4, 3) needs 96"},
  };
  for (const auto& [action, expected] : cases) {
    const std::string message = error_of(action);
    EXPECT_NE(message.find(expected), std::string::npos) << "expected '" << expected << "' in: " << message;
  }
  // The good member of an archive with bad ones still reads.
  expect_pattern(NpzArchive(path("wrong_type.npz")).array("ok"), {2, 2}, "ok");
}

TEST_F(NpzTest, ModelFileChecksShapesAndListsUnknownNames) {
  const ModelFile model = read_model_file(path("model.npz"));
  EXPECT_EQ(model.layers(), 2);
  EXPECT_EQ(model.heads(), 3);
  ASSERT_TRUE(model.queries && model.keys && model.values && model.weights);
  EXPECT_EQ(model.tokens.size(), 5u);
  EXPECT_EQ(model.mask, "causal");
  EXPECT_EQ(model.unknown, std::vector<std::string>{"input_ids"});
  ASSERT_EQ(model.notices.size(), 1u);
  EXPECT_NE(model.notices[0].find("ignored arrays input_ids"), std::string::npos);
  const MatD q12 = model.matrix(*model.queries, 1, 2);
  EXPECT_EQ(q12.rows(), 5);
  EXPECT_EQ(q12(0, 0), pattern((1 * 3 + 2) * 20));
  EXPECT_EQ(model.head_name(1, 2), "layer 1 (enc.1), head 2");

  const std::string mismatch = error_of([] { read_model_file(path("model_mismatch.npz")); });
  EXPECT_NE(mismatch.find("array 'weights' of shape (2, 2, 5, 5) has leading axes (2, 2) but 'q'"), std::string::npos)
      << mismatch;
  const std::string tokens = error_of([] { read_model_file(path("model_bad_tokens.npz")); });
  EXPECT_NE(tokens.find("'tokens' has 2 entries for 5 queries and 6 keys"), std::string::npos) << tokens;
}

}  // namespace
}  // namespace attn
