#include "throughput.hpp"

#include <algorithm>
#include <cstdio>

namespace cli {

double scored_cells(attn::Index n, attn::Index m, attn::Mask mask) {
  const auto rows = static_cast<double>(n), keys = static_cast<double>(m);
  if (mask == attn::Mask::None) return rows * keys;
  // Rows 0..k-1 (k = min(n, m)) see 1..k keys; the rows after them see all m.
  const double k = static_cast<double>(std::min(n, m));
  return k * (k + 1.0) / 2.0 + (rows - k) * keys;
}

void print_throughput(double cells, attn::Index d, double result_bytes, double ms) {
  const double seconds = ms * 1e-3;
  if (!(seconds > 0.0)) return;
  std::printf("gflops: %.1f\n", 2.0 * static_cast<double>(d) * cells / seconds * 1e-9);
  if (result_bytes > 0.0) std::printf("result_gb_per_s: %.2f\n", result_bytes / seconds * 1e-9);
}

}  // namespace cli
