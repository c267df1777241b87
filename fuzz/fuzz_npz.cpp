// NumPy .npz archives: every member as an array and as text, then the archive as a model file.
#include "npz_reads.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".npz");
  ax_fuzz::read_npz_every_way(file.write(data, size));
  return 0;
}
