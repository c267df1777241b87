#include "io/npy_format.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <variant>

#include "attn/base/errors.hpp"
#include "io/file_reading.hpp"

namespace attn::detail {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
constexpr std::uint32_t kMaxHeaderBytes = 1u << 20;

// "float16" for size "2"; the size text itself when it is not a small byte count (atoi(size) * 8
// once overflowed here).
std::string float_name(const std::string& size) {
  int bytes = 0;
  const auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), bytes);
  if (error == std::errc() && end == size.data() + size.size() && bytes > 0 && bytes <= 64) {
    return "float" + std::to_string(bytes * 8);
  }
  return "a float of size '" + printable(size, 12) + "'";
}

// ---- The header: a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }

using HeaderValue = std::variant<std::string, bool, std::vector<Index>>;

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  std::map<std::string, HeaderValue> parse_dict() {
    std::map<std::string, HeaderValue> dict;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = parse_string();
      expect(':');
      dict[key] = parse_value();
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}'");
    }
    return dict;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_ + ": malformed NPY header at character " + std::to_string(pos_ + 1) + ": " +
                     printable(what));
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);  // quoted in errors via printable()
    pos_ = end + 1;
    return value;
  }
  HeaderValue parse_value() {
    skip_space();
    const char c = peek();
    if (c == '\'' || c == '"') return parse_string();
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    if (c == '(') return parse_tuple();
    fail("unexpected value");
  }
  std::vector<Index> parse_tuple() {
    expect('(');
    std::vector<Index> values;
    while (true) {
      skip_space();
      if (peek() == ')') {
        ++pos_;
        return values;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a non-negative integer in the shape");
      Index v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > (Index(1) << 50)) fail("shape extent too large");
        v = v * 10 + (peek() - '0');
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long suffix
      values.push_back(v);
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        fail("expected ',' or ')' in the shape");
    }
  }

  const std::string& text_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

enum class ElementKind { Float, Unicode, Bytes };

struct ElementType {
  ElementKind kind;
  DType dtype;  // for floats
  bool big_endian;
  std::size_t size;  // bytes per element
};

ElementType parse_descr(const std::string& descr, const std::string& path) {
  const auto unsupported = [&](const std::string& why) {
    return InputError(path + ": unsupported dtype '" + printable(descr) + "' (" + why +
                      "; need float32 '<f4' or float64 '<f8', either byte order, or text '<U' for tokens)");
  };
  if (descr.size() < 2) throw unsupported("not a simple type");
  std::size_t k = 0;
  bool big = std::endian::native == std::endian::big;
  if (descr[0] == '<' || descr[0] == '>' || descr[0] == '=' || descr[0] == '|') {
    if (descr[0] == '<') big = false;
    if (descr[0] == '>') big = true;
    k = 1;
  }
  const char kind = descr[k];
  const std::string size = descr.substr(k + 1);
  const auto text_width = [&](std::size_t unit) -> std::size_t {
    if (size.empty() || size.size() > 6 || size.find_first_not_of("0123456789") != std::string::npos) {
      throw unsupported("text of unreadable width");
    }
    const std::size_t width = std::stoul(size);
    if (width == 0) throw unsupported("text of width 0");
    return width * unit;
  };
  switch (kind) {
    case 'f':
      if (size == "4") return {ElementKind::Float, DType::Float32, big, 4};
      if (size == "8") return {ElementKind::Float, DType::Float64, big, 8};
      throw unsupported(float_name(size) + " is not supported");
    case 'U': return {ElementKind::Unicode, DType::Float64, big, text_width(4)};
    case 'S':
    case 'a': return {ElementKind::Bytes, DType::Float64, big, text_width(1)};
    case 'i':
    case 'u': throw unsupported("integer data");
    case 'c': throw unsupported("complex data");
    case 'b':
    case '?': throw unsupported("boolean data");
    case 'O': throw unsupported("Python objects");
    default: throw unsupported("not a numeric type");
  }
}

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

std::vector<std::string> decode_strings(const std::vector<unsigned char>& raw, const ElementType& type, Index count,
                                        const std::string& path) {
  std::vector<std::string> strings(static_cast<std::size_t>(count));
  const bool swap = type.big_endian != (std::endian::native == std::endian::big);
  for (std::size_t k = 0; k < strings.size(); ++k) {
    const unsigned char* p = raw.data() + k * type.size;
    std::string& s = strings[k];
    if (type.kind == ElementKind::Bytes) {
      s.assign(reinterpret_cast<const char*>(p), type.size);
    } else {
      for (std::size_t c = 0; c < type.size / 4; ++c) {
        const auto code = load_element<std::uint32_t>(p + 4 * c, swap);
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) {
          throw InputError(path + ": string " + std::to_string(k) + " holds an invalid code point " +
                           std::to_string(code));
        }
        if (code == 0) break;  // NumPy pads short strings with NULs
        append_utf8(s, code);
      }
    }
    while (!s.empty() && s.back() == '\0') s.pop_back();
  }
  return strings;
}

void read_exactly(const ByteReader& read, unsigned char* dst, std::size_t count, const std::string& path,
                  const std::string& what) {
  const std::size_t got = read(dst, count);
  if (got != count) {
    throw InputError(path + ": truncated NPY data: " + what + " needs " + std::to_string(count) + " bytes but only " +
                     std::to_string(got) + " are there");
  }
}

}  // namespace

NpyContent read_npy_content(const ByteReader& read, std::uintmax_t file_size, const std::string& path,
                            NonFinite policy) {
  unsigned char prefix[kMagicSize + 2] = {};
  const std::size_t got = read(prefix, sizeof prefix);
  if (got < kMagicSize || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    throw InputError(path + ": not an NPY file (it does not start with \\x93NUMPY)");
  }
  if (got < sizeof prefix) throw InputError(path + ": truncated NPY file: no version after the magic string");
  const int major = prefix[6];
  std::size_t len_bytes = 0;
  if (major == 1) {
    len_bytes = 2;
  } else if (major == 2 || major == 3) {
    len_bytes = 4;
  } else {
    throw InputError(path + ": unsupported NPY format version " + std::to_string(major) + "." +
                     std::to_string(prefix[7]) + " (need 1.0, 2.0 or 3.0)");
  }
  unsigned char len_buf[4] = {};
  if (read(len_buf, len_bytes) < len_bytes) {
    throw InputError(path + ": truncated NPY file: the header length is missing");
  }
  std::uint32_t header_len = 0;
  for (std::size_t k = len_bytes; k-- > 0;) header_len = (header_len << 8) | len_buf[k];
  const std::uintmax_t data_offset = sizeof prefix + len_bytes + header_len;
  if (header_len > kMaxHeaderBytes || data_offset > file_size) {
    throw InputError(path + ": truncated NPY file: the header claims " + std::to_string(header_len) +
                     " bytes but the file has " + std::to_string(file_size) + " bytes in all");
  }
  std::string header(header_len, '\0');
  read_exactly(read, reinterpret_cast<unsigned char*>(header.data()), header_len, path, "the header");

  const auto dict = HeaderParser(header, path).parse_dict();
  const auto field = [&](const char* key) -> const HeaderValue& {
    auto it = dict.find(key);
    if (it == dict.end()) throw InputError(path + ": malformed NPY header: no '" + key + "' entry");
    return it->second;
  };
  const auto* descr = std::get_if<std::string>(&field("descr"));
  const auto* fortran = std::get_if<bool>(&field("fortran_order"));
  const auto* shape = std::get_if<std::vector<Index>>(&field("shape"));
  if (!descr) throw InputError(path + ": malformed NPY header: 'descr' is not a string");
  if (!fortran) throw InputError(path + ": malformed NPY header: 'fortran_order' is not True or False");
  if (!shape) throw InputError(path + ": malformed NPY header: 'shape' is not a tuple");
  const ElementType type = parse_descr(*descr, path);

  NpyContent content;
  content.is_text = type.kind != ElementKind::Float;
  NdArray& arr = content.numbers;
  arr.shape = *shape;
  arr.dtype = type.dtype;
  if (arr.shape.empty() || arr.shape.size() > 4) {
    throw InputError(path + ": array of shape " + arr.shape_text() + " has " + std::to_string(arr.shape.size()) +
                     " dimensions (need 1 to 4)");
  }
  if (content.is_text && arr.shape.size() != 1) {
    throw InputError(path + ": text array of shape " + arr.shape_text() + " (tokens must be 1-D)");
  }
  Index count = 1;
  for (Index extent : arr.shape) {
    if (extent == 0) throw InputError(path + ": empty array of shape " + arr.shape_text());
    if (count > kMaxArrayElements / extent) {
      throw InputError(path + ": array of shape " + arr.shape_text() +
                       " is too large (limit: " + std::to_string(kMaxArrayElements) + " elements)");
    }
    count *= extent;
  }
  const std::uintmax_t data_bytes = static_cast<std::uintmax_t>(count) * type.size;
  if (data_bytes > static_cast<std::uintmax_t>(kMaxArrayElements) * 8) {
    throw InputError(path + ": text array of shape " + arr.shape_text() + " is too large (" +
                     std::to_string(data_bytes) + " bytes)");
  }
  const std::uintmax_t available = file_size - data_offset;
  if (available < data_bytes) {
    throw InputError(path + ": truncated NPY file: shape " + arr.shape_text() + " needs " + std::to_string(data_bytes) +
                     " data bytes but the file has " + std::to_string(available));
  }
  if (available > data_bytes) {
    throw InputError(path + ": malformed NPY file: " + std::to_string(available - data_bytes) +
                     " unexpected bytes after the data of shape " + arr.shape_text());
  }

  std::vector<unsigned char> raw(static_cast<std::size_t>(data_bytes));
  read_exactly(read, raw.data(), raw.size(), path, "shape " + arr.shape_text());
  if (content.is_text) {
    content.strings = decode_strings(raw, type, count, path);
    arr.shape.clear();
    return content;
  }
  const bool swap = type.big_endian != (std::endian::native == std::endian::big);
  arr.values.resize(static_cast<std::size_t>(count));
  for (std::size_t k = 0; k < arr.values.size(); ++k) {
    const unsigned char* p = raw.data() + k * type.size;
    arr.values[k] = type.dtype == DType::Float32 ? static_cast<double>(load_element<float>(p, swap))
                                                 : load_element<double>(p, swap);
  }
  if (*fortran && arr.shape.size() > 1) arr.values = fortran_to_c(arr.values, arr.shape);
  check_finite(path, arr, policy);
  return content;
}

}  // namespace attn::detail
