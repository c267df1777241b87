// NumPy .npz archives: every member as an array and as text, then the archive as a model file.
#include "attn/io/model_file.hpp"
#include "attn/io/npz.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".npz");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] {
    const attn::NpzArchive archive(path);
    for (const std::string& name : archive.names()) {
      ax_fuzz::expect_only_documented_errors([&] { (void)archive.array(name, attn::NonFinite::AllowNaN); });
      ax_fuzz::expect_only_documented_errors([&] { (void)archive.strings(name); });
    }
  });
  ax_fuzz::expect_only_documented_errors([&] { (void)attn::read_model_file(path); });
  return 0;
}
