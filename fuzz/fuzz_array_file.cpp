// The generic array reader as the app uses it: the file type chosen by extension (the input's
// first byte picks .npy or .csv), then the app's loading of vectors or weight matrices from it.
#include "attn/io/array_files.hpp"
#include "compute/loaded_data.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static ax_fuzz::InputFile npy(".npy");
  static ax_fuzz::InputFile csv(".csv");
  ax_fuzz::InputFile& file = (data[0] & 1) ? csv : npy;
  const std::string& path = file.write(data + 1, size - 1);
  ax_fuzz::expect_only_documented_errors([&] { (void)attn::read_array_file(path); });
  ax::DataSettings settings;
  settings.source = ax::DataSource::File;
  settings.vectors_path = path;
  ax_fuzz::expect_only_documented_errors([&] { (void)ax::load_data(settings); });
  return 0;
}
