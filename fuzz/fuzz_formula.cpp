// Typed formulas F(z): compile, then evaluate at a few points, including extreme ones.
#include <limits>
#include <string>

#include "attn/kernels/formula.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return 0;  // typed into a field: long inputs only slow the search
  const std::string expression(reinterpret_cast<const char*>(data), size);
  ax_fuzz::expect_only_documented_errors([&] {
    const auto formula = attn::Formula::compile(expression);
    const double z[] = {0.0,
                        -1.0,
                        2.5,
                        1e300,
                        -1e300,
                        std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::infinity()};
    double out[std::size(z)];
    formula->evaluate(z, out, static_cast<long>(std::size(z)));
  });
  return 0;
}
