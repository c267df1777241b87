// NPZ archives written by the engine (model runs for tools/export_attention.py's readers): read
// back by the engine's reader; NumPy's reading is checked by the CLI tests.
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/io/npz.hpp"
#include "attn/io/npz_writer.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("attn_npz_writer_" + std::to_string(::getpid()) + "_" + name);
}

TEST(NpzWriter, NumbersAndTextReadBackExactly) {
  const fs::path path = temp_file("round.npz");
  const std::vector<float> f = {1.5f, -2.25f, 3.0e-8f, 7.0f, 0.1f, -0.0f};
  const std::vector<double> d = {0.1, 1e300, -3.0};
  const std::vector<std::string> text = {"in", "the", "beginning", "\xc3\x89", "\xe2\x80\x99twas", ""};
  NpzWriter writer;
  writer.add("f", f.data(), {2, 3});
  writer.add("d", d.data(), {3});
  writer.add_strings("tokens", text);
  writer.write(path.string());

  const NpzArchive archive(path.string());
  EXPECT_EQ(archive.names(), (std::vector<std::string>{"f", "d", "tokens"}));
  const NdArray a = archive.array("f");
  EXPECT_EQ(a.shape, (std::vector<Index>{2, 3}));
  EXPECT_EQ(a.dtype, DType::Float32);
  for (std::size_t k = 0; k < f.size(); ++k) EXPECT_EQ(static_cast<float>(a.values[k]), f[k]);
  const NdArray b = archive.array("d");
  EXPECT_EQ(b.dtype, DType::Float64);
  EXPECT_EQ(b.values, d);
  EXPECT_EQ(archive.strings("tokens"), text);
  fs::remove(path);
}

TEST(NpzWriter, MalformedUtf8BecomesReplacementCharacters) {
  const fs::path path = temp_file("utf8.npz");
  NpzWriter writer;
  writer.add_strings("tokens", {"a\xff"
                                "b",
                                "\xe2\x82"});
  writer.write(path.string());
  const std::vector<std::string> back = NpzArchive(path.string()).strings("tokens");
  EXPECT_EQ(back, (std::vector<std::string>{"a\xef\xbf\xbd"
                                            "b",
                                            "\xef\xbf\xbd\xef\xbf\xbd"}));
  fs::remove(path);
}

TEST(NpzWriter, RefusesARepeatedNameAndAnUnwritablePath) {
  NpzWriter writer;
  const float one = 1.0f;
  writer.add("q", &one, {1});
  EXPECT_THROW(writer.add("q", &one, {1}), UsageError);
  try {
    writer.write("/nonexistent-directory/run.npz");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-directory/run.npz"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace attn
