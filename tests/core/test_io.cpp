// NPY and CSV files: round trips, foreign layouts, and errors that name the file and the place.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/atomic_file.hpp"
#include "attn/io/csv.hpp"
#include "attn/io/npy.hpp"
#include "temp_dir.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

class IoTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void write_bytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  // An NPY file from a header dict and raw data bytes, as NumPy lays it out (version 1.0).
  std::string npy_bytes(const std::string& dict, const std::string& data) const {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + data;
  }
  std::string error_of(const std::function<void()>& f) const {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  ax::test::TempDir temp_{"attn_io_test_"};
  const fs::path& dir_ = temp_.path();
};

template <class T>
std::string raw(const std::vector<T>& values, bool big_endian = false) {
  std::string out(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  if (big_endian) {
    for (std::size_t k = 0; k < values.size(); ++k)
      std::reverse(out.begin() + k * sizeof(T), out.begin() + (k + 1) * sizeof(T));
  }
  return out;
}

TEST_F(IoTest, NpyRoundTripsEveryRankAndPrecision) {
  const std::vector<double> values = {1.5, -2.25, 3.0, 4.0, 5.0, 6.125, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0};
  for (const auto& shape : std::vector<std::vector<Index>>{{12}, {3, 4}, {2, 3, 2}}) {
    write_npy(path("d.npy"), values.data(), shape);
    const NdArray d = read_npy(path("d.npy"));
    EXPECT_EQ(d.shape, shape);
    EXPECT_EQ(d.values, values);
    EXPECT_EQ(d.dtype, DType::Float64);
    const std::vector<float> narrow(values.begin(), values.end());
    write_npy(path("f.npy"), narrow.data(), shape);
    const NdArray f = read_npy(path("f.npy"));
    EXPECT_EQ(f.values, values);
    EXPECT_EQ(f.dtype, DType::Float32);
  }
}

TEST_F(IoTest, NpyReadsBigEndianAndFortranOrder) {
  // The matrix [[1, 2, 3], [4, 5, 6]] stored four ways.
  const std::vector<double> expected = {1, 2, 3, 4, 5, 6};
  write_bytes("be.npy", npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", raw(expected, true)));
  write_bytes("fortran.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                                       raw(std::vector<float>{1, 4, 2, 5, 3, 6})));
  write_bytes("be_fortran.npy", npy_bytes("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }",
                                          raw(std::vector<float>{1, 4, 2, 5, 3, 6}, true)));
  for (const char* name : {"be.npy", "fortran.npy", "be_fortran.npy"}) {
    const NdArray a = read_npy(path(name));
    EXPECT_EQ(a.values, expected) << name;
    EXPECT_EQ(a.shape, (std::vector<Index>{2, 3})) << name;
  }
  // Rank-3 Fortran order: element [i, j, k] at i + 2 (j + 2 k).
  std::vector<float> f(8);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k) f[i + 2 * (j + 2 * k)] = static_cast<float>(100 * i + 10 * j + k);
  write_bytes("f3.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", raw(f)));
  const NdArray a = read_npy(path("f3.npy"));
  EXPECT_EQ(a.values, (std::vector<double>{0, 1, 10, 11, 100, 101, 110, 111}));
}

TEST_F(IoTest, NpyErrorsNameTheFileAndTheProblem) {
  const std::string ok_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
  write_bytes("truncated.npy", npy_bytes(ok_dict, raw(std::vector<double>{1, 2, 3})));
  write_bytes("extra.npy", npy_bytes(ok_dict, raw(std::vector<double>{1, 2, 3, 4, 5})));
  write_bytes("int.npy",
              npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", raw(std::vector<long>{1, 2})));
  write_bytes("complex.npy",
              npy_bytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", std::string(16, '\0')));
  write_bytes("rank5.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }",
                                     raw(std::vector<double>{1})));
  write_bytes("empty.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""));
  write_bytes("huge.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", ""));
  write_bytes("nan.npy", npy_bytes(ok_dict, raw(std::vector<double>{1, 2, std::nan(""), 4})));
  write_bytes("inf.npy", npy_bytes(ok_dict, raw(std::vector<double>{1, -INFINITY, 3, 4})));
  write_bytes("garbage.npy", npy_bytes("{'descr': '<f8', 'fortran_order': maybe, 'shape': (2, 2), }",
                                       raw(std::vector<double>{1, 2, 3, 4})));
  write_bytes("magic.npy", "PK\x03\x04 this is a zip file");
  write_bytes("short.npy", "\x93NUM");
  write_bytes("header_cut.npy", npy_bytes(ok_dict, "").substr(0, 30));

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.npy", "truncated"},
      {"extra.npy", "unexpected bytes"},
      {"int.npy", "integer"},
      {"complex.npy", "complex"},
      {"rank5.npy", "5 dimensions"},
      {"empty.npy", "empty array"},
      {"huge.npy", "too large"},
      {"nan.npy", "element [1, 0] is NaN"},
      {"inf.npy", "element [0, 1] is -Inf"},
      {"garbage.npy", "malformed NPY header"},
      {"magic.npy", "not an NPY file"},
      {"short.npy", "not an NPY file"},
      {"header_cut.npy", "truncated"},
      {"missing.npy", "no such file"},
  };
  for (const auto& [name, expected] : cases) {
    const std::string message = error_of([&] { read_npy(path(name)); });
    EXPECT_NE(message.find(path(name)), std::string::npos) << name << ": " << message;
    EXPECT_NE(message.find(expected), std::string::npos) << name << ": " << message;
  }
  fs::create_directories(path("dir.npy"));
  EXPECT_NE(error_of([&] { read_npy(path("dir.npy")); }).find("is a directory"), std::string::npos);
}

TEST_F(IoTest, CsvRoundTripAndLayout) {
  const std::vector<double> values = {0.1, -2.0, 1e-300, 3.0, 4.5, 1.0 / 3.0};
  write_csv(path("m.csv"), values.data(), 2, 3);
  const NdArray a = read_csv(path("m.csv"));
  EXPECT_EQ(a.shape, (std::vector<Index>{2, 3}));
  EXPECT_EQ(a.values, values);  // 17 digits: exact round trip
  write_bytes("comments.csv", "\xEF\xBB\xBF# exported by hand\n1, 2\r\n\n  3,4  \n# end\n");
  EXPECT_EQ(read_csv(path("comments.csv")).values, (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(IoTest, CsvErrorsNameLineAndColumn) {
  write_bytes("ragged.csv", "1,2,3\n4,5\n");
  write_bytes("long.csv", "1,2\n4,5,6\n");
  write_bytes("word.csv", "1,2\n3,abc\n");
  write_bytes("nan.csv", "1,nan\n");
  write_bytes("empty_field.csv", "1,,2\n");
  write_bytes("empty.csv", "# only a comment\n\n");
  write_bytes("inf.csv", "1,1e999\n");
  EXPECT_NE(error_of([&] { read_csv(path("ragged.csv")); }).find("line 2 has 2 values but line 1 has 3"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("long.csv")); }).find("line 2 has more than 2 values"), std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("word.csv")); }).find("line 2, column 2: 'abc' is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("nan.csv")); }).find("line 1, column 2: NaN"), std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("empty_field.csv")); }).find("column 2: empty value"), std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("empty.csv")); }).find("no data"), std::string::npos);
  EXPECT_NE(error_of([&] { read_csv(path("inf.csv")); }).find("infinite or out of range"), std::string::npos);
}

TEST_F(IoTest, ExtensionDecidesTheFormat) {
  const std::vector<float> w = {0.25f, 0.75f, 1.0f, 0.0f};
  write_array_file(path("w.csv"), w.data(), {2, 2});
  write_array_file(path("w.NPY"), w.data(), {2, 2});
  EXPECT_EQ(read_array_file(path("w.csv")).values, read_array_file(path("w.NPY")).values);
  EXPECT_NE(error_of([&] { read_array_file(path("w.txt")); }).find("unknown file type '.txt'"), std::string::npos);
  EXPECT_NE(error_of([&] {
              write_array_file(path("stack.csv"), w.data(), {2, 1, 2});
            }).find("cannot be written as CSV"),
            std::string::npos);
}

TEST_F(IoTest, FailedWritesLeaveTheOldFileAndNoTemporaries) {
  write_bytes("keep.npy", "old contents");
  EXPECT_THROW(write_file_atomically(path("keep.npy"), [](std::ostream&) { throw InputError("simulated failure"); }),
               InputError);
  std::ifstream in(path("keep.npy"));
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "old contents");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  const std::string message = error_of([&] {
    const double v = 1.0;
    write_npy(path("no/such/dir/w.npy"), &v, {1});
  });
  EXPECT_NE(message.find("no/such/dir/w.npy: cannot write"), std::string::npos) << message;
}

}  // namespace
}  // namespace attn
