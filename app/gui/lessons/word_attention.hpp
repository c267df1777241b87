// What the words view shows and the word claims measure: each sentence pooled into one vector by
// a plain sum or mean, by fixed attention (dot-product or MLP form, one or two heads), or run
// through self-attention with query, key and value projections. Computed by the engine.
#pragma once

#include <string>
#include <vector>

#include "attn/kernels/weights.hpp"
#include "lessons/word_set.hpp"
#include "state/app_state.hpp"

namespace ax {

enum class PoolingForm { Sum, Mean, Dot, Mlp, Heads, Qkv };

// Throws attn::InputError for an unknown name.
PoolingForm parse_pooling_form(const std::string& name);

struct SentencePooling {
  std::string name;
  std::vector<std::string> tokens;  // in the order used (shuffled when asked)
  std::vector<int> order;           // position in the original sentence of each word shown
  attn::MatD vectors;               // one row per word
  attn::VecD weights, weights2;     // fixed attention: one weight per word (second head: weights2)
  attn::MatD self_weights;          // Qkv: words x words
  attn::MatD outputs;               // Qkv: y_i = sum_j w_ij v_j
  attn::VecD pooled;                // the sentence vector (two heads: both, concatenated)
  double sentiment = 0.0;           // sigma(readout . pooled + bias) (heads: the heads read-out), else NaN
  // Fixed attention (dot, mlp): the terms a_i (u . x_i) of the logit u . f, the gradient of that
  // logit with respect to the scores, dz/dg_i = a_i (u . x_i - u . f), and the softmax Jacobian
  // diag(a) - a a^T (Ylipää: attention routes the learning signal); the last two for softmax only.
  attn::VecD contributions, score_gradient;
  attn::MatD jacobian;
  bool defined = true;
};

std::vector<SentencePooling> pool_sentences(const WordSet& words, PoolingForm form, const LessonSettings& lesson,
                                            const attn::Method& method);

}  // namespace ax
