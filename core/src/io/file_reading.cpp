#include "io/file_reading.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "attn/base/errors.hpp"

namespace attn::detail {

std::ifstream open_for_reading(const std::string& path, std::uintmax_t& size) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  // ELOOP (a loop of symlinks), EACCES, ENAMETOOLONG ... are not "no such file".
  if (ec && ec != std::errc::no_such_file_or_directory) throw InputError(path + ": cannot open: " + ec.message());
  if (ec || !fs::exists(status)) throw InputError(path + ": cannot open: no such file");
  if (fs::is_directory(status)) throw InputError(path + ": cannot open: it is a directory");
  // A FIFO or device would block or never end: data files are regular files.
  if (!fs::is_regular_file(status)) throw InputError(path + ": cannot open: not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open: " + std::strerror(errno));
  size = fs::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot read its size: " + ec.message());
  return in;
}

std::string index_text(const std::vector<Index>& shape, Index flat) {
  std::vector<Index> index(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    index[k] = flat % shape[k];
    flat /= shape[k];
  }
  std::string text = "[";
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (k > 0) text += ", ";
    text += std::to_string(index[k]);
  }
  return text + "]";
}

}  // namespace attn::detail

namespace attn {

void check_finite(const std::string& path, const NdArray& arr, NonFinite policy) {
  for (std::size_t k = 0; k < arr.values.size(); ++k) {
    const double v = arr.values[k];
    if (std::isfinite(v) || (policy == NonFinite::AllowNaN && std::isnan(v))) continue;
    const char* what = std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    throw InputError(path + ": element " + detail::index_text(arr.shape, static_cast<Index>(k)) + " is " + what +
                     " (input data must be finite)");
  }
}

}  // namespace attn
