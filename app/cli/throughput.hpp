// What a timed run achieved, in the units of the machine's limits: GFLOP/s of the score products
// and GB/s of the result written, printed beside the times so the distance to the machine's peak
// (build/bin/machine_peak, which the bench/ scripts print beside them) is a number.
#pragma once

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace cli {

// The query-key products a result needs: n x m, or under the causal mask only the keys each
// query sees (sum over i of min(i + 1, m)).
double scored_cells(attn::Index n, attn::Index m, attn::Mask mask);

// Prints "gflops: X" (2 d flops per scored cell) and, when result_bytes > 0, "result_gb_per_s: Y",
// for a run of `ms` milliseconds.
void print_throughput(double cells, attn::Index d, double result_bytes, double ms);

}  // namespace cli
