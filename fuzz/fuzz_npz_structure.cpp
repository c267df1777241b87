// NPZ archives made by a generator, not by mutating bytes: valid zips (tests/support/zip_writer.hpp)
// of NPY members whose fields lie (declared sizes, CRCs, compression methods, flags, duplicate
// names), with NPY headers of any type and shape, bombs of zeros, and the names a model file uses.
// A byte-level fuzzer rarely gets past the zip's CRC; this one reaches the NPY decoder, the byte
// budget and the model-file checks with every archive it makes. Each archive is read as arrays, as
// text and as a model file, under a memory budget of 256 MiB (below libFuzzer's RSS limit, so a
// reader that allocates before it checks is a finding, not a slow run).
#include <fuzzer/FuzzedDataProvider.h>

#include "attn/base/memory_budget.hpp"
#include "npz_reads.hpp"
#include "zip_writer.hpp"

namespace {

std::string member_name(FuzzedDataProvider& in) {
  static const char* const kNames[] = {"q.npy",           "k.npy",         "v.npy",
                                       "weights.npy",     "tokens.npy",    "blocked.npy",
                                       "key_padding.npy", "attn_bias.npy", "export_format.npy",
                                       "layer_names.npy", "g/q.npy",       "../q.npy"};
  if (in.ConsumeBool()) return kNames[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kNames) - 1)];
  return in.ConsumeRandomLengthString(24);
}

std::string npy_descr(FuzzedDataProvider& in) {
  static const char* const kTypes[] = {"<f4", "<f8", ">f4", "<f2", "<i4", "<i8", "|u1",  "|b1",
                                       "|S1", "|S8", "<U3", "<U1", "|O",  "<c8", "<f16", "<V4"};
  if (in.ConsumeIntegralInRange<int>(0, 7) > 0)
    return kTypes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kTypes) - 1)];
  return in.ConsumeRandomLengthString(12);
}

long long extent(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return in.ConsumeIntegralInRange<long long>(2, 16);
    case 3: return in.ConsumeIntegralInRange<long long>(17, 4096);
    case 4: return (1LL << in.ConsumeIntegralInRange<int>(20, 62)) + in.ConsumeIntegralInRange<int>(-1, 1);
    default: return in.ConsumeIntegral<long long>();
  }
}

ax_test::ZipMember member(FuzzedDataProvider& in) {
  std::vector<long long> shape(in.ConsumeIntegralInRange<std::size_t>(0, 5));
  for (long long& e : shape) e = extent(in);
  ax_test::ZipMember m;
  m.name = member_name(in);
  m.data = ax_test::npy_header(npy_descr(in), shape, in.ConsumeBool()) + in.ConsumeRandomLengthString(512);
  m.deflate = in.ConsumeBool();
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) m.zeros = in.ConsumeIntegralInRange<std::uint64_t>(0, 16u << 20);
  if (in.ConsumeIntegralInRange<int>(0, 3) == 0) m.declared_size = in.ConsumeIntegral<std::uint32_t>();
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) m.declared_crc = in.ConsumeIntegral<std::uint32_t>();
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {
    static const std::uint16_t kMethods[] = {0, 8, 9, 12, 14, 93, 99, 0xffff};
    m.declared_method = kMethods[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kMethods) - 1)];
  }
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) m.flags = in.ConsumeIntegral<std::uint16_t>();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  attn::set_memory_budget(std::uint64_t(256) << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".npz");
  FuzzedDataProvider in(data, size);
  std::vector<ax_test::ZipMember> members(in.ConsumeIntegralInRange<std::size_t>(1, 6));
  for (auto& m : members) m = member(in);
  if (members.size() > 1 && in.ConsumeBool()) members.back().name = members.front().name;  // a duplicate
  const std::string bytes = ax_test::zip_archive(members);
  const std::string& path = file.write(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  ax_fuzz::read_npz_every_way(path);
  return 0;
}
