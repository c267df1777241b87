// Methods that normalise columns as well as rows (internal to core).
#pragma once

#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/weights.hpp"

namespace attn::detail {

// Sinkhorn in the log domain: `rounds` rounds of (normalise columns, then rows) of exp(S).
// S (#queries by #keys) becomes W in place; rows[i] receives each row's status. Masked entries
// and rows with non-finite scores take no part in any normalisation.
template <class T>
void sinkhorn_in_place(Mat<T>& scores, int rounds, Mask mask, std::vector<RowStatus>& rows);

}  // namespace attn::detail
