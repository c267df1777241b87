// Tokens files (axis labels, one per line).
#include "compute/tokens_file.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".txt");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] { (void)ax::read_tokens_file(path); });
  return 0;
}
