#include "kernels/masked_rows.hpp"

#include <algorithm>
#include <limits>

#include "base/streaming_store.hpp"

namespace attn::detail {

template <class T>
RowStatus weigh_masked_row(T* row, Index query, Index keys, Mask mask, const MaskArrays* arrays, const Method& method,
                           RowScratch& scratch, bool subtract_max, T* out) {
  const Index valid = valid_keys(mask, query, keys);
  if (arrays == nullptr || !arrays->blocks_in_row(query)) {
    if (out != nullptr) return apply_row_method_to(row, valid, keys, method, scratch, subtract_max, out);
    return apply_row_method(row, valid, keys, method, scratch, subtract_max);
  }
  // Pack the unblocked scores to the front (in place: the write position never passes the read).
  Index kept = 0;
  for (Index j = 0; j < valid; ++j) {
    if (!arrays->blocks(query, j)) row[kept++] = row[j];
  }
  RowStatus status = RowStatus::Masked;
  // `keys` as the row's length: sigmoid attention's default bias -log n takes n = #keys whatever
  // the mask (as the rule mask's rows do); the zeros it writes past `kept` are overwritten below.
  if (kept > 0) status = apply_row_method(row, kept, keys, method, scratch, subtract_max);
  if (status == RowStatus::Defined) {
    // Spread back from the last column (the read position never passes the write).
    for (Index j = keys - 1; j >= 0; --j) {
      row[j] = (j < valid && !arrays->blocks(query, j)) ? row[--kept] : T(0);
    }
  } else {
    std::fill(row, row + keys, std::numeric_limits<T>::quiet_NaN());
  }
  if (out != nullptr) store_streaming(row, out, keys);
  return status;
}

template <class T>
void add_mask_bias(T* row, Index query, Index keys, const MaskArrays& arrays, double scale) {
  const double* bias = arrays.bias.data() + query * arrays.keys;
  for (Index j = 0; j < keys; ++j) row[j] += static_cast<T>(scale * bias[j]);
}

template RowStatus weigh_masked_row(float*, Index, Index, Mask, const MaskArrays*, const Method&, RowScratch&, bool,
                                    float*);
template RowStatus weigh_masked_row(double*, Index, Index, Mask, const MaskArrays*, const Method&, RowScratch&, bool,
                                    double*);
template void add_mask_bias(float*, Index, Index, const MaskArrays&, double);
template void add_mask_bias(double*, Index, Index, const MaskArrays&, double);

}  // namespace attn::detail
