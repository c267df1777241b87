// Attention as a function of the empirical measure of its tokens (Vuckovic et al.): the output
// of a query depends on the tokens only through the distribution they form. Duplicating every
// token leaves that distribution, and so every output, unchanged; duplicating one token gives it
// twice the mass, and the outputs move.
//
// Shapes: X is n by d (tokens as rows; they are queries, keys and values).
// Errors: InputError for no points or non-finite coordinates; UsageError for a token out of
// range or a mask (a causal mask depends on positions, not on the measure).
#pragma once

#include "attn/kernels/attention.hpp"

namespace attn {

struct Duplication {
  MatD outputs;                 // y_i = sum_j w_ij x_j for the n tokens
  MatD outputs_all_doubled;     // the same queries over the 2n tokens (every token twice)
  MatD outputs_one_doubled;     // over the n + 1 tokens (token `token` twice)
  double all_max_change = 0.0;  // max |outputs_all_doubled - outputs|
  double one_max_change = 0.0;  // max |outputs_one_doubled - outputs|
  // Mean over the queries of the total weight on `token` (both copies when doubled).
  double token_weight = 0.0, token_weight_doubled = 0.0;
};
Duplication duplication_effect(const MatD& x, const AttentionSpec& spec, Index token);

}  // namespace attn
