// The app's one conversion of weights between the engine's precisions (float32 for display,
// float64 for reference): the matrix narrowed or widened, the row statuses unchanged.
#pragma once

#include <type_traits>

#include "attn/kernels/weights.hpp"

namespace ax {

// Into `out`, reusing its storage when it already has the shape (results recomputed per edit).
template <class To, class From>
void weights_as(const attn::Weights<From>& w, attn::Weights<To>& out) {
  out.matrix = w.matrix.template cast<To>();
  out.rows = w.rows;
  out.rows_sum_to_one = w.rows_sum_to_one;
}

template <class To, class From>
attn::Weights<To> weights_as(const attn::Weights<From>& w) {
  if constexpr (std::is_same_v<To, From>) {
    return w;
  } else {
    attn::Weights<To> out;
    weights_as(w, out);
    return out;
  }
}

}  // namespace ax
