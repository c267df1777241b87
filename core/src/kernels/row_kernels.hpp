// Row-wise transforms from scores to weights (internal to core).
//
// Each kernel reads the first `valid` entries of a row of scores in place and leaves weights
// there; entries from `valid` to `total` are masked keys and become exact zeros. Exponentials are
// always taken after subtracting the row maximum (in the log domain for exp-plus, softplus and
// sigmoid), so no finite score overflows.
#pragma once

#include <type_traits>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/kernels/weights.hpp"

namespace attn::detail {

// Scratch memory reused across rows by one thread.
struct RowScratch {
  std::vector<double> a, b, c;
  // Rows of float kernels (stick-breaking) and of double ones, aligned as the rows are
  // (tiling.hpp: Eigen's vectorised functions give other last bits on an unaligned head).
  std::vector<float, Eigen::aligned_allocator<float>> single;
  std::vector<double, Eigen::aligned_allocator<double>> wide;

  template <class T>
  std::vector<T, Eigen::aligned_allocator<T>>& of() {
    if constexpr (std::is_same_v<T, float>) {
      return single;
    } else {
      return wide;
    }
  }
};

// `subtract_max` false computes exp as e^s / sum e^s literally (the stability lesson's switch);
// every other method ignores it.
template <class T>
RowStatus apply_row_method(T* row, Index valid, Index total, const Method& method, RowScratch& scratch,
                           bool subtract_max = true);

// apply_row_method, with the weights written to `out` (streaming stores) instead of back into
// `row`, which is left as scratch: softmax's last pass (the division by the sum) and the copy to
// the result become one. Bit-identical to apply_row_method followed by a copy. Only the first
// `valid` entries of `row` are read: the masked keys' zeros are written to `out` directly.
template <class T>
RowStatus apply_row_method_to(T* row, Index valid, Index total, const Method& method, RowScratch& scratch,
                              bool subtract_max, T* out);

// `method` with sigmoid attention's default bias -log n fixed for n = `keys`; any other method as
// it is. For callers that weigh a row over fewer than its keys (the streamed overview under the
// causal mask stops at the last key it reads): the row kernels take n from the row's `total`.
Method with_key_count(const Method& method, Index keys);

// Throws UsageError for a feature-map method (linear-attn, performer): it takes no scores.
void check_scores_method(const Method& method);

// Number of unmasked keys for query i.
inline Index valid_keys(Mask mask, Index query, Index keys) {
  if (mask == Mask::Causal) return query + 1 < keys ? query + 1 : keys;
  return keys;
}

}  // namespace attn::detail
