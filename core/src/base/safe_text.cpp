#include "attn/base/safe_text.hpp"

#include <cstdint>
#include <cstdio>

namespace attn {
namespace {

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    }
  }
}

// Length of the well-formed UTF-8 sequence at text[k] that encodes a printable character (not a
// C1 control U+0080..U+009F, no overlong form, no surrogate), or 0.
std::size_t utf8_length(std::string_view text, std::size_t k) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = byte(k);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    length = 2, code = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3, code = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4, code = c & 0x07;
  } else {
    return 0;
  }
  if (k + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(k + i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(k + i) & 0x3f);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  if (overlong || code > 0x10ffff || (code >= 0xd800 && code < 0xe000) || code < 0xa0) return 0;
  return length;
}

// Characters (UTF-8 sequences or single bytes) in text[k..].
std::size_t characters_from(std::string_view text, std::size_t k) {
  std::size_t count = 0;
  while (k < text.size()) {
    const std::size_t length = utf8_length(text, k);
    k += length > 0 ? length : 1;
    ++count;
  }
  return count;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (k >= max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[k]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

std::string one_line(std::string_view message, std::size_t max_chars) {
  std::string out;
  std::size_t shown = 0;
  std::size_t k = 0;
  while (k < message.size()) {
    if (shown == max_chars) {
      out += "... (" + std::to_string(characters_from(message, k)) + " more)";
      break;
    }
    const auto c = static_cast<unsigned char>(message[k]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++k;
    } else if (const std::size_t length = c >= 0x80 ? utf8_length(message, k) : 0; length > 0) {
      out.append(message.substr(k, length));
      k += length;
    } else {
      append_escape(out, c);
      ++k;
    }
    ++shown;
  }
  return out;
}

}  // namespace attn
