// Toy word embeddings for the lesson on attention over a set of words (Ylipää): a few tokens in
// 2-D, the sentences built from them, the sentiment read-out and the MLP attention weights.
#pragma once

#include <string>
#include <vector>

#include "attn/theory/pooling.hpp"

namespace ax {

struct Sentence {
  std::string name;         // e.g. "positive"
  std::vector<int> tokens;  // indices into WordSet::tokens, in order
};

struct WordSet {
  std::vector<std::string> tokens;
  attn::MatD vectors;  // one 2-D vector per token
  std::vector<Sentence> sentences;
  attn::VecD readout;  // sentiment = sigma(readout . f + readout_bias)
  double readout_bias = 0.0;
  // Two heads pool into [v_1; v_2] (4-D): sentiment = sigma(heads_readout . [v_1; v_2] + bias).
  // Empty when the file gives none (the heads form then has no sentiment).
  attn::VecD heads_readout;
  double heads_readout_bias = 0.0;
  attn::MatD mlp_w;  // MLP attention: theta . tanh(W x + b)
  attn::VecD mlp_b;
  attn::MatD query_projection;  // Q = X Wq^T, K = X Wk^T, V = X Wv^T (2 x 2 each)
  attn::MatD key_projection;
  attn::MatD value_projection;

  // The vectors of a sentence, one row per word in order.
  attn::MatD sentence_vectors(const Sentence& s) const;
  std::vector<std::string> sentence_tokens(const Sentence& s) const;
};

// Throws attn::InputError naming the file and the key.
WordSet load_word_set(const std::string& path);

}  // namespace ax
