// A mask given as data, beside the kernels' rule masks (none, causal): what a model applied to
// its scores, as a model file records it (io reads it, kernels apply it). Key j is blocked for query i when blocked(i, j) = 1 or padded(j) = 1
// (or the rule mask blocks it); a finite bias is added to every score.
//
// With spec.alpha and a perturbation, s_ij = alpha * (lambda * (score_ij + bias_ij) + M + ...): the
// bias is part of the model's score, so the inverse temperature and a common scale act on it too.
#pragma once

#include <cstdint>
#include <vector>

#include "attn/base/types.hpp"

namespace attn {

struct MaskArrays {
  Index queries = 0, keys = 0;
  std::vector<std::uint8_t> blocked;  // #queries x #keys, row-major: 1 = blocked; empty: none blocked
  std::vector<std::uint8_t> padded;   // #keys: 1 = a padding key, blocked for every query; empty: none
  std::vector<double> bias;           // #queries x #keys, row-major, finite; empty: no bias

  bool blocks(Index query, Index key) const;
  // Whether any key of row `query` is blocked (by `blocked` or `padded`).
  bool blocks_in_row(Index query) const;
  bool blocks_any() const;
  bool has_bias() const { return !bias.empty(); }
  bool empty() const { return !blocks_any() && !has_bias(); }
  // Throws InputError when the arrays' extents are not #queries x #keys for these vectors.
  void check_extents(Index query_count, Index key_count) const;
  std::uint64_t bytes() const;
  // The same mask for the first `rows` queries only (a chart over the first rows of a long input).
  MaskArrays first_rows(Index rows) const;
};

}  // namespace attn
