#include "attn/io/npy.hpp"

#include <bit>
#include <cstring>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/io/atomic_file.hpp"
#include "io/file_reading.hpp"
#include "io/npy_format.hpp"
#include "io/npy_writing.hpp"

namespace attn {
namespace {

detail::NpyContent read_npy_file(const std::string& path, NonFinite policy) {
  std::uintmax_t file_size = 0;
  std::ifstream in = detail::open_for_reading(path, file_size);
  const detail::ByteReader read = [&](unsigned char* dst, std::size_t count) {
    in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(count));
    return static_cast<std::size_t>(in.gcount());
  };
  return detail::read_npy_content(read, file_size, path, policy);
}

}  // namespace

NdArray read_npy(const std::string& path, NonFinite policy) {
  detail::NpyContent content = naming_out_of_memory(path, [&] { return read_npy_file(path, policy); });
  if (content.is_text) {
    throw InputError(path + ": holds " + std::to_string(content.strings.size()) +
                     " strings, not numbers (text arrays are read as tokens)");
  }
  return std::move(content.numbers);
}

std::vector<std::string> read_npy_strings(const std::string& path) {
  detail::NpyContent content = naming_out_of_memory(path, [&] { return read_npy_file(path, NonFinite::AllowNaN); });
  if (!content.is_text) {
    throw InputError(path + ": holds numbers of shape " + content.numbers.shape_text() +
                     ", not text (tokens need a '<U' string array)");
  }
  return std::move(content.strings);
}

template <class T>
void write_npy(const std::string& path, const T* values, const std::vector<Index>& shape) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  Index count = 1;
  for (Index extent : shape) count *= extent;
  const std::string preamble = detail::npy_preamble(sizeof(T) == 4 ? "<f4" : "<f8", shape);
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(preamble.data(), static_cast<std::streamsize>(preamble.size()));
    if constexpr (std::endian::native == std::endian::little) {
      out.write(reinterpret_cast<const char*>(values), static_cast<std::streamsize>(count * sizeof(T)));
    } else {
      for (Index k = 0; k < count; ++k) {
        unsigned char bytes[sizeof(T)];
        std::memcpy(bytes, values + k, sizeof(T));
        for (std::size_t b = sizeof(T); b-- > 0;) out.put(static_cast<char>(bytes[b]));
      }
    }
  });
}

void write_npy(const std::string& path, const NdArray& arr) {
  if (arr.dtype == DType::Float64) {
    write_npy(path, arr.values.data(), arr.shape);
  } else {
    std::vector<float> narrow(arr.values.begin(), arr.values.end());
    write_npy(path, narrow.data(), arr.shape);
  }
}

template void write_npy<float>(const std::string&, const float*, const std::vector<Index>&);
template void write_npy<double>(const std::string&, const double*, const std::vector<Index>&);

}  // namespace attn
