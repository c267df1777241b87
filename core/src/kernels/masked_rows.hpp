// Row methods under a rule mask (none, causal) and a model's mask arrays together (internal to
// core). The row kernels work on a prefix of valid keys; keys blocked anywhere in the row are
// moved out of the way first: the unblocked scores are packed to the front of the row, weighed
// there, and spread back to their columns, with exact zeros at the blocked keys.
#pragma once

#include "attn/base/mask_arrays.hpp"
#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/kernels/weights.hpp"
#include "kernels/row_kernels.hpp"

namespace attn::detail {

// Row `query` of scores (`keys` entries, in place) becomes weights; with `out`, they are written
// there (streaming stores) instead. Without mask arrays, or when they block nothing in this row,
// this is apply_row_method(_to) with the rule mask's prefix, bit for bit. A row whose every key is
// blocked is RowStatus::Masked (NaN).
template <class T>
RowStatus weigh_masked_row(T* row, Index query, Index keys, Mask mask, const MaskArrays* arrays, const Method& method,
                           RowScratch& scratch, bool subtract_max, T* out = nullptr);

// Adds alpha * lambda * bias(query, .) to the first `keys` scores of a row (the keys a causal row
// scores, or all): the model's bias in the score's units.
template <class T>
void add_mask_bias(T* row, Index query, Index keys, const MaskArrays& arrays, double scale);

}  // namespace attn::detail
