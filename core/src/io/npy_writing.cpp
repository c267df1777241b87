#include "io/npy_writing.hpp"

#include <cstdint>
#include <sstream>

namespace attn::detail {

std::string npy_preamble(std::string_view descr, const std::vector<Index>& shape) {
  std::ostringstream dict;
  dict << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (std::size_t k = 0; k < shape.size(); ++k)
    dict << shape[k] << (shape.size() == 1 || k + 1 < shape.size() ? ", " : "");
  dict << "), }";
  std::string header = dict.str();
  constexpr std::size_t kMagicVersionLength = 6 + 2 + 2;
  // Pad with spaces and end with '\n' so the data start on a 64-byte boundary (NPY 1.0 layout).
  const std::size_t unpadded = kMagicVersionLength + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  const auto length = static_cast<std::uint16_t>(header.size());
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(length & 0xff);
  out += static_cast<char>(length >> 8);
  return out + header;
}

}  // namespace attn::detail
