// Zip archives made byte by byte, for hostile reproducers and the structure-aware NPZ fuzzer:
// valid zips (NumPy's .npz layout: one NPY file per member, stored or deflated) whose fields may
// lie on purpose (declared sizes, CRCs, flags, methods, duplicate names), and bombs whose long runs
// of zeros are compressed without ever being held in memory. Header-only; needs zlib.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <zlib.h>

namespace ax_test {

// The NPY 1.0 header (magic, version, length, padded dict) for `descr` and `shape`.
inline std::string npy_header(const std::string& descr, const std::vector<long long>& shape, bool fortran = false) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (";
  for (std::size_t k = 0; k < shape.size(); ++k)
    dict += std::to_string(shape[k]) + (shape.size() == 1 || k + 1 < shape.size() ? ", " : "");
  dict += "), }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}

// A whole NPY file: the header and `values` as little-endian float32.
inline std::string npy_f32(const std::vector<long long>& shape, const std::vector<float>& values) {
  std::string out = npy_header("<f4", shape);
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return out;
}

struct ZipMember {
  std::string name;
  std::string data;         // the member's first bytes (all of it for ordinary members)
  std::uint64_t zeros = 0;  // then this many zero bytes, compressed in blocks (bombs)
  bool deflate = true;
  // Lies, for hostile inputs: what the local and central headers state instead of the truth.
  std::optional<std::uint32_t> declared_size;
  std::optional<std::uint32_t> declared_crc;
  std::optional<std::uint16_t> declared_method;
  std::uint16_t flags = 0;
};

// An honest member holding `data`.
inline ZipMember zip_member(const std::string& name, const std::string& data, bool deflate = true) {
  ZipMember m;
  m.name = name;
  m.data = data;
  m.deflate = deflate;
  return m;
}

namespace detail {

inline void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
inline void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

// Raw deflate of `bytes` ending with a full flush (byte-aligned, no history: blocks of this kind
// can be concatenated), or with the final block when `last`.
inline std::string deflate_block(const std::string& bytes, bool last) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, last ? Z_FINISH : Z_FULL_FLUSH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

struct Payload {
  std::string bytes;  // as stored in the archive
  std::uint32_t crc = 0;
  std::uint64_t size = 0;  // uncompressed
};

inline Payload payload_of(const ZipMember& m) {
  Payload p;
  p.size = m.data.size() + m.zeros;
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size()));
  constexpr uInt kBlock = 1 << 20;
  const std::string zero_block(kBlock, '\0');
  const auto* zeros = reinterpret_cast<const Bytef*>(zero_block.data());
  const uLong block_crc = crc32(0, zeros, kBlock);
  const std::uint64_t blocks = m.zeros / kBlock;
  const auto rest = static_cast<uInt>(m.zeros % kBlock);
  for (std::uint64_t b = 0; b < blocks; ++b) crc = crc32_combine(crc, block_crc, kBlock);
  crc = crc32_combine(crc, crc32(0, zeros, rest), rest);
  p.crc = static_cast<std::uint32_t>(crc);
  if (!m.deflate) {
    p.bytes = m.data + std::string(m.zeros, '\0');
    return p;
  }
  p.bytes = deflate_block(m.data, false);
  const std::string compressed_block = blocks > 0 ? deflate_block(zero_block, false) : std::string();
  for (std::uint64_t b = 0; b < blocks; ++b) p.bytes += compressed_block;
  p.bytes += deflate_block(zero_block.substr(0, rest), true);
  return p;
}

}  // namespace detail

// The archive of `members`, in order (duplicate names allowed: that is one of the lies).
inline std::string zip_archive(const std::vector<ZipMember>& members) {
  using detail::put16;
  using detail::put32;
  std::string out, central;
  for (const ZipMember& m : members) {
    const detail::Payload p = detail::payload_of(m);
    const std::uint32_t offset = static_cast<std::uint32_t>(out.size());
    const std::uint16_t method = m.declared_method.value_or(m.deflate ? 8 : 0);
    const std::uint32_t crc = m.declared_crc.value_or(p.crc);
    const std::uint32_t size = m.declared_size.value_or(static_cast<std::uint32_t>(p.size));
    const auto fields = [&](std::string& h) {
      put16(h, m.flags);
      put16(h, method);
      put16(h, 0);     // time
      put16(h, 0x21);  // date: 1980-01-01
      put32(h, crc);
      put32(h, static_cast<std::uint32_t>(p.bytes.size()));
      put32(h, size);
      put16(h, static_cast<std::uint32_t>(m.name.size()));
      put16(h, 0);  // extra field
    };
    put32(out, 0x04034b50);
    put16(out, 20);
    fields(out);
    out += m.name;
    out += p.bytes;
    put32(central, 0x02014b50);
    put16(central, 20);
    put16(central, 20);
    fields(central);
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += m.name;
  }
  const std::uint32_t directory = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(members.size()));
  put16(out, static_cast<std::uint32_t>(members.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, directory);
  put16(out, 0);
  return out;
}

}  // namespace ax_test
