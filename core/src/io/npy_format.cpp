#include "io/npy_format.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "attn/base/errors.hpp"

namespace attn::detail {
namespace {

// Data are read and decoded a chunk at a time: a lying size never allocates more than what came.
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

template <class T>
T load_element(const unsigned char* p, bool swap) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (swap) {
    for (std::size_t a = 0, b = sizeof(T) - 1; a < b; ++a, --b) std::swap(bytes[a], bytes[b]);
  }
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// Fortran order stores the first index fastest; reorder into C order.
std::vector<double> fortran_to_c(const std::vector<double>& f, const std::vector<Index>& shape) {
  std::vector<double> c(f.size());
  const std::size_t rank = shape.size();
  std::vector<Index> index(rank, 0);
  for (std::size_t flat_f = 0; flat_f < f.size(); ++flat_f) {
    Index flat_c = 0;
    for (std::size_t k = 0; k < rank; ++k) flat_c = flat_c * shape[k] + index[k];
    c[static_cast<std::size_t>(flat_c)] = f[flat_f];
    for (std::size_t k = 0; k < rank; ++k) {  // advance the Fortran-order counter
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return c;
}

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

// Appends the strings of `count` elements at `p` (one chunk) to `out`; `first` numbers them.
void decode_strings(const unsigned char* p, std::size_t count, const ElementType& type, std::size_t first,
                    const std::string& path, std::vector<std::string>& out) {
  const bool swap = type.big_endian != (std::endian::native == std::endian::big);
  for (std::size_t k = 0; k < count; ++k, p += type.size) {
    std::string s;
    if (type.kind == ElementKind::Bytes) {
      s.assign(reinterpret_cast<const char*>(p), type.size);
    } else {
      for (std::size_t c = 0; c < type.size / 4; ++c) {
        const auto code = load_element<std::uint32_t>(p + 4 * c, swap);
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) {
          throw InputError(path + ": string " + std::to_string(first + k) + " holds an invalid code point " +
                           std::to_string(code));
        }
        if (code == 0) break;  // NumPy pads short strings with NULs
        append_utf8(s, code);
      }
    }
    while (!s.empty() && s.back() == '\0') s.pop_back();
    out.push_back(std::move(s));
  }
}

// Feeds the payload to `take(chunk, elements, first element)` a chunk of whole elements at a time.
template <class Take>
void read_in_chunks(const ByteReader& read, const NpyHeader& h, const std::string& path, Take&& take) {
  const std::size_t per_chunk = std::max<std::size_t>(1, kChunkBytes / h.type.size);
  const auto count = static_cast<std::size_t>(h.count);
  std::vector<unsigned char> chunk(std::min(per_chunk, count) * h.type.size);
  for (std::size_t done = 0; done < count;) {
    const std::size_t elements = std::min(per_chunk, count - done);
    const std::size_t want = elements * h.type.size;
    const std::size_t got = read(chunk.data(), want);
    if (got != want) {
      throw InputError(path + ": truncated NPY data: shape " + h.shape_text() + " needs " +
                       std::to_string(h.data_bytes) + " bytes but only " + std::to_string(done * h.type.size + got) +
                       " are there");
    }
    take(chunk.data(), elements, done);
    done += elements;
  }
}

}  // namespace

NpyContent read_npy_content(const ByteReader& read, std::uint64_t total_size, const std::string& path, NonFinite policy,
                            StatedSize stated) {
  const NpyHeader h = read_npy_header(read, total_size, path);
  check_npy_memory(h, path);
  const bool on_disk = stated == StatedSize::OnDisk;
  NpyContent content;
  content.is_text = h.is_text();
  if (content.is_text) {
    if (on_disk) content.strings.reserve(static_cast<std::size_t>(h.count));
    read_in_chunks(read, h, path, [&](const unsigned char* p, std::size_t elements, std::size_t first) {
      decode_strings(p, elements, h.type, first, path, content.strings);
    });
    return content;
  }
  NdArray& arr = content.numbers;
  arr.shape = h.shape;
  arr.dtype = h.type.dtype;
  if (on_disk) arr.values.reserve(static_cast<std::size_t>(h.count));
  const bool swap = h.type.big_endian != (std::endian::native == std::endian::big);
  read_in_chunks(read, h, path, [&](const unsigned char* p, std::size_t elements, std::size_t) {
    for (std::size_t k = 0; k < elements; ++k, p += h.type.size) {
      arr.values.push_back(h.type.dtype == DType::Float32 ? static_cast<double>(load_element<float>(p, swap))
                                                          : load_element<double>(p, swap));
    }
  });
  if (h.fortran_order && arr.shape.size() > 1) arr.values = fortran_to_c(arr.values, arr.shape);
  check_finite(path, arr, policy);
  return content;
}

}  // namespace attn::detail
