#include "attn/array_files.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "attn/csv.hpp"
#include "attn/errors.hpp"
#include "attn/npy.hpp"

namespace attn {
namespace {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

NdArray read_array_file(const std::string& path, NonFinite policy) {
  const std::string ext = extension_of(path);
  if (ext == ".npy") return read_npy(path, policy);
  if (ext == ".csv") return read_csv(path, policy);
  throw InputError(path + ": unknown file type '" + ext + "' (use .npy or .csv)");
}

template <class T>
void write_array_file(const std::string& path, const T* values, const std::vector<Index>& shape) {
  const std::string ext = extension_of(path);
  if (ext == ".npy") return write_npy(path, values, shape);
  if (ext == ".csv") {
    if (shape.size() == 3 && shape[0] != 1) {
      throw InputError(path + ": a stack of " + std::to_string(shape[0]) +
                       " matrices cannot be written as CSV (use .npy)");
    }
    const Index rows = shape.size() == 1 ? shape[0] : shape[shape.size() - 2];
    const Index cols = shape.size() == 1 ? 1 : shape.back();
    return write_csv(path, values, rows, cols);
  }
  throw InputError(path + ": unknown file type '" + ext + "' (use .npy or .csv)");
}

template void write_array_file<float>(const std::string&, const float*, const std::vector<Index>&);
template void write_array_file<double>(const std::string&, const double*, const std::vector<Index>&);

}  // namespace attn
