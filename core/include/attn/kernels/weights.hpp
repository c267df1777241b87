// Attention weights computed from a matrix of scores, and what is known about each row.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "attn/base/mask_arrays.hpp"
#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"

namespace attn {

enum class Mask {
  None,
  Causal,  // key j > query i gets weight 0 (and takes no part in any normalisation)
};

Mask parse_mask(std::string_view name);  // "none" or "causal"; throws UsageError
std::string_view mask_name(Mask mask);

// Why a row has or lacks weights.
enum class RowStatus : std::uint8_t {
  // finite and non-negative; sums to 1 when the method normalises (Method::rows_sum_to_one). A row
  // of sigmoid attention that holds almost nothing is Defined: the row declines to attend.
  Defined,
  AllZero,    // every F value is zero (e.g. relu on an all-negative row): 0/0
  NonFinite,  // some F value or the row sum is infinite or NaN
  Negative,   // a custom F returned a negative value: not a probability
  Masked,     // the mask blocks every key of this row (a model's padding query, say): nothing to weigh
};

std::string_view row_status_name(RowStatus status);

// Throws UsageError when `method` is not defined under `mask` (stick-breaking without the causal
// mask), saying why.
void check_method_mask(const Method& method, Mask mask);

template <class T>
struct Weights {
  Mat<T> matrix;                // #queries by #keys; undefined rows are NaN
  std::vector<RowStatus> rows;  // one per query
  // Defined rows sum to 1. False for methods whose rows need not (sigmoid-attn, softmax1,
  // softpick, stick-breaking): a row's mass sum_j w_ij is then part of the result.
  bool rows_sum_to_one = true;

  bool defined(Index i) const { return rows[static_cast<std::size_t>(i)] == RowStatus::Defined; }
  Index undefined_count() const;
  std::vector<Index> undefined_rows() const;
};

// W from S (#queries by #keys) by `method`, honouring `mask` and the mask arrays' blocked keys
// (their bias belongs to the scores: compute_scores adds it). S is taken by value so callers that
// no longer need their scores can move them in and the weights reuse the storage. A feature-map
// method (linear-attn, performer) takes no scores: UsageError (use compute_weights).
template <class T>
Weights<T> weights_from_scores(Mat<T> scores, const Method& method, Mask mask = Mask::None,
                               const MaskArrays* arrays = nullptr);

// Outputs y_i = sum_j w_ij v_j. V: #keys by e. Rows of undefined weights give NaN outputs.
template <class T>
Mat<T> attention_outputs(const Weights<T>& weights, const Mat<T>& values);

}  // namespace attn
