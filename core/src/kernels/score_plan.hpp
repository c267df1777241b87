// Scores without a score matrix (internal to core): a plan made once per call holds the prepared
// queries and the packed, pre-scaled keys, and `score_rows` writes the final scores of any range
// of queries into any buffer. compute_scores and compute_weights write straight into their
// result; callers that reduce scores as they go (overviews, streaming passes) use a per-thread
// scratch and never hold #queries x #keys values.
#pragma once

#include <cstdint>

#include <Eigen/Core>

#include "attn/base/types.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/perturbation.hpp"
#include "kernels/row_kernels.hpp"

namespace attn::detail {
namespace product {

template <class T>
using Packet = typename Eigen::internal::packet_traits<T>::type;
template <class T>
constexpr Index kLanes = Eigen::internal::unpacket_traits<Packet<T>>::size;
// Accumulators: kBlockRows x kPanelPackets packets, 24 of AVX-512's 32 registers (12 of 16
// elsewhere), plus the panel's row and a broadcast query entry.
constexpr int kPanelPackets = 4;
constexpr int kBlockRows = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 6 : 3;
template <class T>
constexpr Index kPanelCols = kPanelPackets* kLanes<T>;

// The keys (scaled), transposed into panels of kPanelCols columns: panel p holds, dimension by
// dimension, the entries of keys p*W .. p*W + W - 1 contiguously (zeros past the last key).
//
// With fewer keys than half a panel the padding would outweigh the keys themselves (one key of
// dimension 26 million would take 64 x its size); such keys stay as rows (`unpacked`, scaled) and
// every score is a plain dot product instead.
template <class T>
struct KeyPanels {
  Vec<T> data;
  Mat<T> unpacked;  // #keys by d, used instead of `data` when the padding would dominate
  Index keys = 0, dimension = 0;

  static bool padding_dominates(Index keys) { return keys < kPanelCols<T> / 2; }
  Index count() const { return (keys + kPanelCols<T> - 1) / kPanelCols<T>; }
  const T* panel(Index p) const { return data.data() + p * dimension * kPanelCols<T>; }
};

}  // namespace product

// Everything needed to turn the matrix product of a tile into final scores.
template <class T>
struct ScorePlan {
  Mat<T> left;                        // #queries by d: the (noisy; for cosine, normalised) queries
  product::KeyPanels<T> right;        // the keys, pre-multiplied by `product_scale`, packed
  bool distance = false;              // neg-sqdist: subtract half squared norms, clamp at 0, then scale
  Vec<T> half_sq_left;                // |q_i|^2 / 2 (distance only)
  Vec<T> half_sq_right;               // |k_j|^2 / 2 (distance only)
  T distance_scale = T(1);            // alpha * lambda (distance only)
  Vec<T> row_offset;                  // alpha * (M + r_i), empty when zero
  Vec<T> column_offset;               // alpha * c_j, empty when zero
  T noise_sd = T(0);                  // alpha * sigma
  const MaskArrays* bias = nullptr;   // a model's additive bias (owned by the spec), null when none
  double bias_scale = 1.0;            // alpha * lambda
  bool multiplicative_noise = false;  // feature maps: the kernel is multiplied by e^{noise}
  std::uint64_t seed = 0, draw = 0;
  Mask mask = Mask::None;  // causal: query i is scored against keys 0..i only

  Index queries() const { return left.rows(); }
  Index keys() const { return right.keys; }
  // The keys query i is scored against: 0 .. scored_keys(i) - 1.
  Index scored_keys(Index query) const { return valid_keys(mask, query, keys()); }
};

// Validates the inputs and the perturbation's shapes (InputError), applies vector noise and
// centring, and packs the keys. Checks the sizes against kMaxMatrixElements and the memory budget
// for a caller that holds the #queries x #keys result; `holds_matrix` false (streaming callers,
// which never hold it) checks only the plan's own memory.
template <class T>
ScorePlan<T> make_score_plan(const Vectors<T>& clean, ScoreKind kind, double alpha, bool centre,
                             const Perturbation& perturbation, bool holds_matrix = true);
// The same for `spec` (score, alpha, centring), with the bias of its mask arrays, whose extents
// are checked (InputError), scoring only the keys its rule mask leaves. The plan points into the
// spec's arrays: keep the spec alive.
template <class T>
ScorePlan<T> make_score_plan(const Vectors<T>& clean, const AttentionSpec& spec, const Perturbation& perturbation,
                             bool holds_matrix = true);

// The queries and keys a score is taken of: after vector noise, centring and (cosine) normalisation.
template <class T>
struct PreparedVectors {
  Mat<T> left, right;
};
template <class T>
PreparedVectors<T> prepare_vectors(const Vectors<T>& clean, ScoreKind kind, bool centre,
                                   const Perturbation& perturbation);

// Validates the vectors and the perturbation's shapes (InputError) and checks `bytes` against the
// memory budget.
template <class T>
void check_plan_inputs(const Vectors<T>& clean, const Perturbation& perturbation, std::uint64_t bytes);

// `keys` packed into panels, unscaled (a plan whose right side is not keys: feature maps).
template <class T>
product::KeyPanels<T> pack_plan_keys(const Mat<T>& keys);

// The plan whose rows are what `spec.method` turns into weights: the scores (make_score_plan), or
// for a feature-map method the kernel values phi(a_i).phi(b_j) (feature_maps.hpp; its row method
// divides them by their sum). Refuses a method the mask does not allow (check_method_mask).
template <class T>
ScorePlan<T> make_weight_plan(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                              bool holds_matrix = true);

// The final scores (product, distance form, the bias, shifts, score noise) of queries [begin, end)
// against their scored keys: query begin + r goes to dst + r * ld, ld >= plan.keys(). Bit-identical
// whatever the range, so any split of the rows gives the same scores. Under the causal mask the
// keys past a row's scored keys are never computed (a product block above the diagonal is skipped
// whole): those entries of dst hold unspecified values, which callers must not read.
template <class T>
void score_rows(const ScorePlan<T>& plan, Index begin, Index end, T* dst, Index ld);

}  // namespace attn::detail
