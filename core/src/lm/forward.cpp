#include "attn/lm/forward.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "attn/base/errors.hpp"
#include "attn/base/random.hpp"
#include "attn/kernels/perturbation.hpp"

namespace attn {
namespace {

// (x - mean) / sqrt(biased variance + eps) * weight + bias, over each row's features.
template <class T>
Mat<T> layer_norm(const Mat<T>& x, const Vec<T>& weight, const Vec<T>& bias, T eps) {
  Mat<T> out(x.rows(), x.cols());
  const T inverse_width = T(1) / static_cast<T>(x.cols());
  for (Index t = 0; t < x.rows(); ++t) {
    const auto row = x.row(t).array();
    const T mean = row.sum() * inverse_width;
    const T variance = (row - mean).square().sum() * inverse_width;
    const T scale = T(1) / std::sqrt(variance + eps);
    out.row(t) = ((row - mean) * scale * weight.transpose().array() + bias.transpose().array()).matrix();
  }
  return out;
}

// a @ w + b (w stored [in, out]).
template <class T>
Mat<T> affine(const Mat<T>& a, const Mat<T>& w, const Vec<T>& b) {
  Mat<T> out = a * w;
  out.rowwise() += b.transpose();
  return out;
}

template <class T>
void gelu_in_place(Mat<T>& z) {
  const T inverse_sqrt2 = static_cast<T>(0.70710678118654752440);
  for (Index k = 0; k < z.size(); ++k) {
    T& v = z.data()[k];
    v = T(0.5) * v * (T(1) + std::erf(v * inverse_sqrt2));
  }
}

// One head: its scores (+ M), weights by `method` under the causal mask, and its output rows
// (zero where the row is undefined).
template <class T>
Mat<T> attention_head(LmHeadRecord<T>& head, const Method& method, double shift, Index& undefined) {
  const T scale = T(1) / std::sqrt(static_cast<T>(head.q.cols()));
  Mat<T> scores = (head.q * head.k.transpose()) * scale;
  if (shift != 0.0) scores.array() += static_cast<T>(shift);
  head.weights = weights_from_scores(std::move(scores), method, Mask::Causal);
  Mat<T> out = head.weights.matrix * head.v;  // row i reads only row i of W: NaN stays in its row
  for (Index i = 0; i < out.rows(); ++i) {
    if (!head.weights.defined(i)) {
      out.row(i).setZero();
      ++undefined;
    }
  }
  return out;
}

// x += attention(LN1(x)); the heads go to `run` when recorded.
template <class T>
void attention_block(const LanguageModelBlock<T>& b, const LanguageModelConfig& c, const Method& method, double shift,
                     Mat<T>& x, LmRun<T>& run, bool record) {
  const Mat<T> a = layer_norm(x, b.ln1_weight, b.ln1_bias, static_cast<T>(c.layer_norm_eps));
  const Mat<T> q = affine(a, b.wq, b.bq), k = affine(a, b.wk, b.bk), v = affine(a, b.wv, b.bv);
  Mat<T> o(x.rows(), x.cols());
  for (int h = 0; h < c.heads; ++h) {
    LmHeadRecord<T> head;
    head.q = q.middleCols(h * c.d_head, c.d_head);
    head.k = k.middleCols(h * c.d_head, c.d_head);
    head.v = v.middleCols(h * c.d_head, c.d_head);
    o.middleCols(h * c.d_head, c.d_head) = attention_head(head, method, shift, run.undefined_rows);
    if (record) run.heads.push_back(std::move(head));
  }
  x += affine(o, b.wo, b.bo);
}

template <class T>
void mlp_block(const LanguageModelBlock<T>& b, const LanguageModelConfig& c, Mat<T>& x) {
  Mat<T> hidden = affine(layer_norm(x, b.ln2_weight, b.ln2_bias, static_cast<T>(c.layer_norm_eps)), b.w1, b.b1);
  gelu_in_place(hidden);
  x += affine(hidden, b.w2, b.b2);
}

void check_ids(const LanguageModel& model, std::span<const int> ids) {
  const LanguageModelConfig& c = model.config;
  if (ids.empty()) throw InputError(model.path + ": the text has no tokens to run");
  if (static_cast<Index>(ids.size()) > c.context) {
    throw InputError(model.path + ": the text has " + std::to_string(ids.size()) + " tokens; the model's context is " +
                     std::to_string(c.context));
  }
  for (std::size_t t = 0; t < ids.size(); ++t) {
    if (ids[t] < 0 || ids[t] >= c.vocab_size) {
      throw InputError(model.path + ": token " + std::to_string(t) + " has id " + std::to_string(ids[t]) +
                       " outside the vocabulary of " + std::to_string(c.vocab_size));
    }
  }
}

template <class T>
LmRun<T> run_model(const LanguageModel& model, std::span<const int> ids, const LmRunOptions& options,
                   const MatD* noise) {
  if (options.method) check_language_model_method(*options.method);
  check_ids(model, ids);
  const LanguageModelConfig& c = model.config;
  const LanguageModelWeights<T>& w = model.weights<T>();
  const Index n = static_cast<Index>(ids.size());
  Mat<T> x(n, c.d_model);
  for (Index t = 0; t < n; ++t) x.row(t) = w.tok_emb.row(ids[static_cast<std::size_t>(t)]) + w.pos_emb.row(t);
  if (noise) {
    if (noise->rows() != n || noise->cols() != c.d_model) {
      throw InputError(model.path + ": the embedding noise is " + std::to_string(noise->rows()) + " x " +
                       std::to_string(noise->cols()) + " for " + std::to_string(n) + " tokens of width " +
                       std::to_string(c.d_model));
    }
    x += noise->cast<T>();
  }
  LmRun<T> run;
  run.layers = c.layers;
  run.heads_per_layer = c.heads;
  run.rows = static_cast<Index>(c.layers) * c.heads * n;
  const Method& method = options.method ? *options.method : c.method;
  for (const LanguageModelBlock<T>& block : w.blocks) {
    attention_block(block, c, method, options.perturbation.shift, x, run, options.record_heads);
    mlp_block(block, c, x);
  }
  run.logits = layer_norm(x, w.lnf_weight, w.lnf_bias, static_cast<T>(c.layer_norm_eps)) * w.tok_emb.transpose();
  run.logits.rowwise() += w.lm_head_bias.transpose();
  return run;
}

}  // namespace

void check_language_model_method(const Method& method) {
  // One error line holds at most kMaxMessageChars: the examples, not the catalogue, are named.
  if (method.is_feature_map()) {
    throw UsageError(
        "linear and random-feature attention (linear-attn, performer) are computed from feature maps of Q and K, not "
        "as F of a score, so they cannot replace F inside the language model's heads; all other methods can, e.g. "
        "exp, relu, softmax1, sigmoid-attn, softpick, stick-breaking, ssmax:0.5");
  }
}

MatD embedding_noise(const LmPerturbation& p, Index n, Index d_model) {
  MatD noise = MatD::Zero(n, d_model);
  if (p.global_rms > 0.0) {
    Rng rng(p.seed, p.draw, noise_stream::substream(noise_stream::kGlobal, 0));
    Vec<double> g(d_model);
    for (Index k = 0; k < d_model; ++k) g(k) = p.global_rms * rng.normal();
    noise.rowwise() += g.transpose();
  }
  if (p.local_rms > 0.0) {
    for (Index t = 0; t < n; ++t) {
      Rng rng(p.seed, p.draw, noise_stream::substream(noise_stream::kQueryLocal, static_cast<std::uint64_t>(t)));
      for (Index k = 0; k < d_model; ++k) noise(t, k) += p.local_rms * rng.normal();
    }
  }
  return noise;
}

template <class T>
LmRun<T> run_language_model(const LanguageModel& model, std::span<const int> ids, const LmRunOptions& options) {
  if (!options.perturbation.has_noise()) return run_model<T>(model, ids, options, nullptr);
  const MatD noise = embedding_noise(options.perturbation, static_cast<Index>(ids.size()), model.config.d_model);
  return run_model<T>(model, ids, options, &noise);
}

template <class T>
LmRun<T> run_language_model_with_noise(const LanguageModel& model, std::span<const int> ids,
                                       const LmRunOptions& options, const MatD& noise) {
  return run_model<T>(model, ids, options, &noise);
}

std::vector<NextToken> top_next_tokens(const Vocabulary& vocabulary, const Vec<double>& logits, int count) {
  const double top = logits.maxCoeff();
  const Vec<double> f = (logits.array() - top).exp().matrix();
  const double sum = f.sum();
  std::vector<int> order(static_cast<std::size_t>(logits.size()));
  std::iota(order.begin(), order.end(), 0);
  const auto k = static_cast<std::size_t>(std::clamp<Index>(count, 0, logits.size()));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](int a, int b) { return f(a) > f(b) || (f(a) == f(b) && a < b); });
  std::vector<NextToken> out;
  for (std::size_t r = 0; r < k; ++r) {
    const int id = order[r];
    out.push_back({id, id < vocabulary.size() ? vocabulary.token(id) : std::to_string(id), f(id) / sum});
  }
  return out;
}

#define ATTN_INSTANTIATE(T)                                                                                        \
  template LmRun<T> run_language_model(const LanguageModel&, std::span<const int>, const LmRunOptions&);           \
  template LmRun<T> run_language_model_with_noise(const LanguageModel&, std::span<const int>, const LmRunOptions&, \
                                                  const MatD&);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn
