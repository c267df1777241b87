// The attention pipeline: vectors -> scores -> weights, clean or perturbed.
//
// Shapes: Q is #queries by d, K is #keys by d, S and W are #queries by #keys, V is #keys by e.
// Every computation runs on row tiles in parallel, with the matrix product of a tile and its row
// method back to back while the tile is in cache (no n x m scores are stored before the weights).
#pragma once

#include <memory>
#include <optional>

#include "attn/base/mask_arrays.hpp"
#include "attn/base/types.hpp"
#include "attn/kernels/perturbation.hpp"
#include "attn/kernels/scores.hpp"
#include "attn/kernels/weights.hpp"

namespace attn {

template <class T>
struct Vectors {
  Mat<T> queries;              // #queries by d
  std::optional<Mat<T>> keys;  // #keys by d; absent in self-attention (the keys are the queries)

  bool self_attention() const { return !keys.has_value(); }
  const Mat<T>& key_vectors() const { return keys ? *keys : queries; }
  Index dimension() const { return queries.cols(); }

  template <class U>
  Vectors<U> cast() const {
    Vectors<U> out;
    out.queries = queries.template cast<U>();
    if (keys) out.keys = keys->template cast<U>();
    return out;
  }
};

struct AttentionSpec {
  ScoreKind score = ScoreKind::ScaledDot;
  double alpha = 1.0;  // inverse temperature
  Method method;       // default: exp
  Mask mask = Mask::None;
  // A model's own mask and bias, as data (mask_arrays.hpp), applied with `mask`: the bias joins
  // every score, blocked and padded keys get weight 0. Null: none. Its extents must be
  // #queries x #keys (InputError otherwise).
  std::shared_ptr<const MaskArrays> mask_arrays;
  // Subtract the mean vector before scoring (the queries' mean from the queries, the keys' from
  // the keys; one mean in self-attention). Applied after vector noise, so it removes a shared g.
  bool centre = false;
  // false computes exp's weights as e^s / sum e^s without subtracting the row maximum: a teaching
  // switch that shows large scores overflowing to NaN. Every other method ignores it.
  bool subtract_max = true;
};

// Throws InputError when there are no vectors or the key dimension differs from the queries'.
template <class T>
void validate_vectors(const Vectors<T>& vectors);

// Largest #queries x #keys matrix the engine allocates (elements); larger requests are refused
// with an InputError before any allocation.
constexpr Index kMaxMatrixElements = Index(1) << 28;
void check_matrix_size(Index rows, Index cols, const char* what);

// The vectors after the perturbation's vector noise (a copy; unchanged when there is none).
template <class T>
Vectors<T> apply_vector_noise(const Vectors<T>& vectors, const Perturbation& perturbation);

// S = alpha * (lambda * score + M + r_i + c_j + sigma e_ij), #queries by #keys.
template <class T>
Mat<T> compute_scores(const Vectors<T>& vectors, ScoreKind score, double alpha, const Perturbation& perturbation = {});
// The same with the spec's score, alpha, centring and mask (its method is not used). Under the
// causal mask the scores of masked keys (j > i) are never computed: they are -inf, the value an
// additive mask gives them, and no product above the diagonal is spent on them.
template <class T>
Mat<T> compute_scores(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation = {});

// The same into `out`, reusing its storage when it already has the result's shape.
template <class T>
void compute_scores_into(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                         Mat<T>& out);

// W for `spec`, #queries by #keys. Equal to weights_from_scores(compute_scores(...)) bit for bit.
template <class T>
Weights<T> compute_weights(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation = {});

// The same into `out`, reusing its storage when it already has the result's shape: callers that
// recompute on every edit (the app) avoid mapping and clearing a fresh n x m buffer each time.
// Bit-identical to compute_weights.
template <class T>
void compute_weights_into(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                          Weights<T>& out);

// W from scores S (#queries by #keys) into `out`, reusing its storage when it has the shape; S is
// left as it is, so several methods share one score matrix (the app's methods side by side).
// With S from compute_scores (which adds the arrays' bias) and the same mask arrays it equals
// compute_weights bit for bit.
template <class T>
void weights_from_scores_into(const Mat<T>& scores, const Method& method, Mask mask, bool subtract_max, Weights<T>& out,
                              const MaskArrays* arrays = nullptr);

// One query's scores and weights against every key (masked keys: score -inf, weight 0), equal bit
// for bit to that row of compute_scores and compute_weights, without any #queries x #keys matrix: a row at any size
// (the row inspector of a 131072-token input). Needs a row-wise method (a method that normalises
// columns, Sinkhorn or doubly-normalised, needs every row: UsageError).
template <class T>
struct QueryRow {
  Vec<T> scores;
  Vec<T> weights;
  RowStatus status = RowStatus::Defined;
};
template <class T>
QueryRow<T> compute_query_row(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                              Index query);

}  // namespace attn
