// A tiny decoder-only language model trained with one attention function F (assets/models/*.npz,
// written by tools/train_tiny_lm.py; the member list is in that script's docstring).
//
// Every weight is float32 in the file with the convention y = x @ W + b, W stored [in, out]:
//   tok_emb [V, D], pos_emb [T, D];
//   per block l: blocks.l.ln1.weight/bias [D], blocks.l.attn.wq/wk/wv/wo [D, D] and bq/bk/bv/bo [D],
//                blocks.l.ln2.weight/bias [D], blocks.l.mlp.w1 [D, F] b1 [F] w2 [F, D] b2 [D];
//   ln_f.weight/bias [D], lm_head.bias [V] (the unembedding is tied to tok_emb);
//   vocab '<U' [V], config '<U' [1]: JSON (layers, heads, d_model, d_head, context, mlp_width,
//   vocab_size, method, tokenizer, layer_norm_eps, undefined_row_policy, and how it was trained).
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/methods.hpp"
#include "attn/lm/tokenizer.hpp"

namespace attn {

// What the file's config says: the architecture, and how the model was trained (for labels).
struct LanguageModelConfig {
  int layers = 0, heads = 0, d_model = 0, d_head = 0, context = 0, mlp_width = 0, vocab_size = 0;
  Method method;            // the F it was trained with
  std::string method_spec;  // as the file spells it ("power:2")
  double layer_norm_eps = 1e-5;
  std::string name;               // "exp", "relu_noise", ...
  double noise_global_rms = 0.0;  // s_g of the shared embedding noise during training (0: none)
  long long seed = 0;             // training seed
  long long steps = 0;            // training steps
  std::string script_version;
  std::string status;  // "trained" or why not
  bool trained = false;
  double heldout_perplexity = 0.0;      // as measured by the training script (0 when not given)
  double undefined_row_fraction = 0.0;  // of the held-out rows, as measured by the training script
  std::string json;                     // the config as stored

  // "trained with exp", "trained with relu and shared noise s_g = 0.1": for pickers and titles.
  std::string description() const;
};

// One pre-LayerNorm block's weights.
template <class T>
struct LanguageModelBlock {
  Vec<T> ln1_weight, ln1_bias, ln2_weight, ln2_bias;
  Mat<T> wq, wk, wv, wo;  // [D, D]
  Vec<T> bq, bk, bv, bo;  // [D]
  Mat<T> w1, w2;          // [D, F], [F, D]
  Vec<T> b1, b2;          // [F], [D]
};

template <class T>
struct LanguageModelWeights {
  Mat<T> tok_emb;  // [V, D]
  Mat<T> pos_emb;  // [T, D]
  std::vector<LanguageModelBlock<T>> blocks;
  Vec<T> lnf_weight, lnf_bias;
  Vec<T> lm_head_bias;  // [V]
};

struct LanguageModel {
  std::string path;
  LanguageModelConfig config;
  Vocabulary vocabulary;
  LanguageModelWeights<float> weights_f;   // as stored
  LanguageModelWeights<double> weights_d;  // the same values, for double-precision runs

  template <class T>
  const LanguageModelWeights<T>& weights() const {
    if constexpr (std::is_same_v<T, float>) {
      return weights_f;
    } else {
      return weights_d;
    }
  }

  std::string description() const { return config.description(); }
};

// Reads and checks a model archive: every member present with the shape its config gives, every
// weight finite, a config whose sizes agree (d_model = heads x d_head) and stay within limits, a
// method the engine knows, the kjv-words-v1 tokenizer and the zero-output undefined-row policy.
// The memory the weights take is checked against the budget before they are read. Throws
// InputError naming the file, the member and the problem.
LanguageModel read_language_model(const std::string& path);

// The config alone (checked as above), without reading the weights: for a list of models.
LanguageModelConfig read_language_model_config(const std::string& path);

}  // namespace attn
