#include "attn/io/npz_writer.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>

#include <zip.h>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"
#include "io/npy_writing.hpp"

namespace attn {
namespace {

template <class T>
std::string npy_bytes(const T* values, const std::vector<Index>& shape) {
  Index count = 1;
  for (Index extent : shape) count *= extent;
  std::string out = detail::npy_preamble(sizeof(T) == 4 ? "<f4" : "<f8", shape);
  const std::size_t start = out.size();
  out.resize(start + static_cast<std::size_t>(count) * sizeof(T));
  for (Index k = 0; k < count; ++k) {
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, values + k, sizeof(T));
    if constexpr (std::endian::native == std::endian::big) std::reverse(bytes, bytes + sizeof(T));
    std::memcpy(out.data() + start + static_cast<std::size_t>(k) * sizeof(T), bytes, sizeof(T));
  }
  return out;
}

// UTF-8 to code points; a malformed or cut sequence gives U+FFFD for its first byte.
std::vector<std::uint32_t> code_points(const std::string& text) {
  std::vector<std::uint32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80                    ? 1
                         : lead >= 0xC2 && lead <= 0xDF ? 2
                         : lead >= 0xE0 && lead <= 0xEF ? 3
                         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                        : 0;
    std::uint32_t cp = length == 1 ? lead : length == 2 ? lead & 0x1Fu : length == 3 ? lead & 0x0Fu : lead & 0x07u;
    bool ok = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    out.push_back(ok ? cp : 0xFFFDu);
    i += ok ? length : 1;
  }
  return out;
}

std::string string_npy_bytes(const std::vector<std::string>& utf8) {
  std::vector<std::vector<std::uint32_t>> all;
  std::size_t width = 1;
  for (const std::string& s : utf8) {
    all.push_back(code_points(s));
    width = std::max(width, all.back().size());
  }
  std::string out = detail::npy_preamble("<U" + std::to_string(width), {static_cast<Index>(utf8.size())});
  for (const auto& cps : all) {
    for (std::size_t k = 0; k < width; ++k) {
      const std::uint32_t cp = k < cps.size() ? cps[k] : 0;
      for (int b = 0; b < 4; ++b) out += static_cast<char>((cp >> (8 * b)) & 0xFF);  // little-endian UTF-32
    }
  }
  return out;
}

// The zip archive of `members` (stored, not compressed), built in memory by libzip.
std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members, const std::string& path) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) throw InputError(path + ": cannot build the archive: " + zip_error_strerror(&error));
  const std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> owner(buffer, zip_source_free);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!archive) throw InputError(path + ": cannot build the archive: " + zip_error_strerror(&error));
  zip_source_keep(buffer);  // the archive releases its reference when it closes; the bytes stay
  for (const auto& [name, bytes] : members) {
    zip_source_t* member = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    const zip_int64_t index = member ? zip_file_add(archive, name.c_str(), member, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0 || zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0) {
      if (member && index < 0) zip_source_free(member);
      const std::string reason = zip_strerror(archive);
      zip_discard(archive);
      throw InputError(path + ": cannot add '" + name + "' to the archive: " + reason);
    }
  }
  if (zip_close(archive) != 0) {
    const std::string reason = zip_strerror(archive);
    zip_discard(archive);
    throw InputError(path + ": cannot build the archive: " + reason);
  }
  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) != 0 || zip_source_open(buffer) != 0) {
    throw InputError(path + ": cannot read the archive built in memory");
  }
  std::string out(static_cast<std::size_t>(stat.size), '\0');
  const zip_int64_t got = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  if (got != static_cast<zip_int64_t>(out.size())) throw InputError(path + ": cannot read the archive built in memory");
  return out;
}

}  // namespace

void NpzWriter::add_member(const std::string& name, std::string bytes) {
  const std::string member = name + ".npy";
  for (const auto& [existing, _] : members_) {
    if (existing == member) throw UsageError("the archive already holds an array named '" + name + "'");
  }
  members_.emplace_back(member, std::move(bytes));
}

void NpzWriter::add(const std::string& name, const float* values, const std::vector<Index>& shape) {
  add_member(name, npy_bytes(values, shape));
}

void NpzWriter::add(const std::string& name, const double* values, const std::vector<Index>& shape) {
  add_member(name, npy_bytes(values, shape));
}

void NpzWriter::add_strings(const std::string& name, const std::vector<std::string>& utf8) {
  add_member(name, string_npy_bytes(utf8));
}

void NpzWriter::write(const std::string& path) const {
  const std::string bytes = zip_bytes(members_, path);
  write_file_atomically(
      path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

}  // namespace attn
