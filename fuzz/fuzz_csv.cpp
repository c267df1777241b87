// CSV reader.
#include "attn/io/csv.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".csv");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] { (void)attn::read_csv(path, attn::NonFinite::AllowNaN); });
  return 0;
}
