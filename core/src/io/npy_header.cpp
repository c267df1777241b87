#include "io/npy_header.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <string>
#include <variant>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"

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

void read_exactly(const ByteReader& read, unsigned char* dst, std::size_t count, const std::string& path,
                  const std::string& what) {
  const std::size_t got = read(dst, count);
  if (got != count) {
    throw InputError(path + ": truncated NPY data: " + what + " needs " + std::to_string(count) + " bytes but only " +
                     std::to_string(got) + " are there");
  }
}

struct HeaderLength {
  std::uint64_t prefix_bytes = 0;  // magic, version and the length field
  std::uint32_t header_bytes = 0;  // the dict that follows
};

// The header's length, after the magic string and the version; throws for unknown versions.
HeaderLength read_header_length(const ByteReader& read, const std::string& path) {
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
  HeaderLength length;
  for (std::size_t k = len_bytes; k-- > 0;) length.header_bytes = (length.header_bytes << 8) | len_buf[k];
  length.prefix_bytes = sizeof prefix + len_bytes;
  return length;
}

Index element_count(const NpyHeader& h, const std::string& path) {
  if (h.shape.empty() || h.shape.size() > 4) {
    throw InputError(path + ": array of shape " + h.shape_text() + " has " + std::to_string(h.shape.size()) +
                     " dimensions (need 1 to 4)");
  }
  if (h.is_text() && h.shape.size() != 1) {
    throw InputError(path + ": text array of shape " + h.shape_text() + " (tokens must be 1-D)");
  }
  Index count = 1;
  for (Index extent : h.shape) {
    if (extent == 0) throw InputError(path + ": empty array of shape " + h.shape_text());
    if (count > kMaxArrayElements / extent) {
      throw InputError(path + ": array of shape " + h.shape_text() +
                       " is too large (limit: " + std::to_string(kMaxArrayElements) + " elements)");
    }
    count *= extent;
  }
  return count;
}

// Bytes of one decoded string of at most `bytes` characters: the object, and its heap buffer when
// the text is too long for the small-string buffer.
std::uint64_t string_bytes(std::uint64_t bytes) {
  constexpr std::uint64_t kInline = 15;
  return sizeof(std::string) + (bytes > kInline ? bytes + 1 : 0);
}

}  // namespace

std::string NpyHeader::shape_text() const {
  NdArray probe;
  probe.shape = shape;
  return probe.shape_text();
}

NpyHeader read_npy_header(const ByteReader& read, std::uint64_t total_size, const std::string& path) {
  const HeaderLength length = read_header_length(read, path);
  const std::uint64_t data_offset = length.prefix_bytes + length.header_bytes;
  if (length.header_bytes > kMaxHeaderBytes || data_offset > total_size) {
    throw InputError(path + ": truncated NPY file: the header claims " + std::to_string(length.header_bytes) +
                     " bytes but the file has " + std::to_string(total_size) + " bytes in all");
  }
  std::string text(length.header_bytes, '\0');
  read_exactly(read, reinterpret_cast<unsigned char*>(text.data()), text.size(), path, "the header");

  const auto dict = HeaderParser(text, path).parse_dict();
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

  NpyHeader h;
  h.type = parse_descr(*descr, path);
  h.fortran_order = *fortran;
  h.shape = *shape;
  h.count = element_count(h, path);
  // element_count keeps count <= 2^28 and text widths have at most 6 digits: no overflow.
  h.data_bytes = static_cast<std::uint64_t>(h.count) * h.type.size;
  const std::uint64_t available = total_size - data_offset;
  if (available < h.data_bytes) {
    throw InputError(path + ": truncated NPY file: shape " + h.shape_text() + " needs " + std::to_string(h.data_bytes) +
                     " data bytes but the file has " + std::to_string(available));
  }
  if (available > h.data_bytes) {
    throw InputError(path + ": malformed NPY file: " + std::to_string(available - h.data_bytes) +
                     " unexpected bytes after the data of shape " + h.shape_text());
  }
  return h;
}

std::uint64_t npy_memory_bytes(const NpyHeader& h) {
  const auto count = static_cast<std::uint64_t>(h.count);
  if (h.is_text()) return count * string_bytes(h.type.size);  // UTF-8 of a '<U' string: at most 4 bytes a code point
  return count * sizeof(double) * (h.fortran_order && h.shape.size() > 1 ? 2 : 1);
}

void check_npy_memory(const NpyHeader& h, const std::string& path) {
  const std::uint64_t bytes = npy_memory_bytes(h);
  if (h.is_text() && bytes > kMaxTextArrayBytes) {
    throw InputError(path + ": a text array of " + std::to_string(h.count) + " strings of up to " +
                     std::to_string(h.type.size) + " bytes needs " + std::to_string(bytes) +
                     " bytes in memory, more than the limit of " + std::to_string(kMaxTextArrayBytes) +
                     " bytes for text (tokens, layer names); refused before reading it");
  }
  check_memory_budget(bytes, path + ": an array of shape " + h.shape_text());
}

}  // namespace attn::detail
