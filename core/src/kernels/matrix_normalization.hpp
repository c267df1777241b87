// Methods that normalise columns as well as rows (internal to core).
#pragma once

#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace attn::detail {

// Sinkhorn in the log domain: `rounds` rounds of (normalise columns, then rows) of exp(S).
// S (#queries by #keys) becomes W in place; rows[i] receives each row's status. Masked entries
// (by the rule mask or the mask arrays) and rows with non-finite scores take no part in any
// normalisation; a row with every key masked is RowStatus::Masked.
template <class T>
void sinkhorn_in_place(Mat<T>& scores, int rounds, Mask mask, const MaskArrays* arrays, std::vector<RowStatus>& rows);

}  // namespace attn::detail
