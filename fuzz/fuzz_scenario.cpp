// Scenario JSON files.
#include "fuzz_input_file.hpp"
#include "state/scenario_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".json");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] { (void)ax::load_scenario_file(path); });
  return 0;
}
