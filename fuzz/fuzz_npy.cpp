// NumPy .npy reader.
#include "attn/io/npy.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".npy");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] { (void)attn::read_npy(path, attn::NonFinite::AllowNaN); });
  ax_fuzz::expect_only_documented_errors([&] { (void)attn::read_npy(path, attn::NonFinite::Reject); });
  return 0;
}
