// One sequence through a tiny language model (attn/lm/language_model.hpp), as tools/tiny_lm.py's
// forward() computes it, in float (as trained) or double:
//   x0[t] = tok_emb[id_t] + pos_emb[t] (+ noise: g + l_t)
//   per block: a = LN1(x); q, k, v = a @ wq + bq, ...; head h takes columns h*d_head ...;
//              s_ij = q_i . k_j / sqrt(d_head) + M for keys j <= i; w = F(s) / sum F(s) by the
//              engine's own row method; o_i = sum_j w_ij v_j (0 when row i is undefined);
//              x += concat_h(o) @ wo + bo; x += gelu(LN2(x) @ w1 + b1) @ w2 + b2
//   logits = LN_f(x) @ tok_emb^T + lm_head.bias
// LayerNorm: biased variance over the d_model features, eps from the config; GELU: the exact
// 0.5 z (1 + erf(z / sqrt 2)).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/kernels/weights.hpp"
#include "attn/lm/language_model.hpp"

namespace attn {

// A perturbation inside the model.
struct LmPerturbation {
  double shift = 0.0;       // M, added to every score of every head before F
  double global_rms = 0.0;  // s_g: one g ~ N(0, s_g^2 I_D) added to every position's embedding
  double local_rms = 0.0;   // s_l: an independent l_t ~ N(0, s_l^2 I_D) added to position t's
  std::uint64_t seed = 1;
  std::uint64_t draw = 0;  // which realisation of g and the l_t

  bool has_noise() const { return global_rms > 0.0 || local_rms > 0.0; }
};

struct LmRunOptions {
  std::optional<Method> method;  // the F of every head instead of the model's own; none: the model's
  LmPerturbation perturbation;
  bool record_heads = true;  // keep every head's Q, K, V and W (the held-out evaluation does not)
};

// One head of one layer, for one sequence of n tokens.
template <class T>
struct LmHeadRecord {
  Mat<T> q, k, v;      // n x d_head each; q is not divided by sqrt(d_head)
  Weights<T> weights;  // n x n, causal; undefined rows (every F zero) are NaN and flagged
};

template <class T>
struct LmRun {
  Mat<T> logits;                       // n x V: the next-token logits after each position
  std::vector<LmHeadRecord<T>> heads;  // layer-major, layers x heads; empty unless recorded
  int layers = 0, heads_per_layer = 0;
  Index undefined_rows = 0;  // rows (layer, head, query) whose F were all zero: their head gave 0
  Index rows = 0;            // layers x heads x n

  const LmHeadRecord<T>& head(int layer, int head) const {
    return heads.at(static_cast<std::size_t>(layer * heads_per_layer + head));
  }
};

// The noise the perturbation adds to the embeddings: n x d_model, row t = g + l_t, from
// attn::Rng keyed by (seed, draw, purpose, index) like the kernels' vector noise (g: kGlobal,
// l_t: kQueryLocal). Zero without noise.
MatD embedding_noise(const LmPerturbation& perturbation, Index n, Index d_model);

// Throws UsageError when `method` cannot be the F of the model's heads: linear and random-feature
// attention (linear-attn, performer) are computed from feature maps of Q and K, not as F of a
// score, so there is no F to put in the heads. The message names the methods that can.
void check_language_model_method(const Method& method);

// Runs `ids` (1 to context tokens, each in [0, V)) through the model. Throws InputError for an
// empty or too long sequence or an id outside the vocabulary, UsageError for an options.method
// that check_language_model_method refuses.
template <class T>
LmRun<T> run_language_model(const LanguageModel& model, std::span<const int> ids, const LmRunOptions& options = {});

// The same with a given noise matrix (n x d_model) added to the embeddings instead of drawing one
// (options.perturbation's noise fields are then ignored): a peer test feeds both sides one noise.
template <class T>
LmRun<T> run_language_model_with_noise(const LanguageModel& model, std::span<const int> ids,
                                       const LmRunOptions& options, const MatD& noise);

struct NextToken {
  int id = 0;
  std::string token;
  double probability = 0.0;
};

// The `count` most probable next tokens given one row of logits (softmax in double; equal
// probabilities in id order).
std::vector<NextToken> top_next_tokens(const Vocabulary& vocabulary, const Vec<double>& logits, int count);

}  // namespace attn
