#include "lessons/word_attention.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/random.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/theory/softmax_jacobian.hpp"

namespace ax {
namespace {

// A fixed reordering (a seeded shuffle), the same every time, so the view and the claims agree.
std::vector<int> shuffled_order(std::size_t n) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  attn::Rng rng(7);
  for (std::size_t k = n; k > 1; --k) std::swap(order[k - 1], order[static_cast<std::size_t>(rng.next_u64() % k)]);
  if (n > 1 && std::is_sorted(order.begin(), order.end())) std::swap(order[0], order[1]);
  return order;
}

attn::VecD as_vec(const std::array<double, 2>& a) {
  attn::VecD v(2);
  v << a[0], a[1];
  return v;
}

}  // namespace

PoolingForm parse_pooling_form(const std::string& name) {
  static constexpr attn::NameOf<PoolingForm> kForms[] = {{PoolingForm::Sum, "sum"},     {PoolingForm::Mean, "mean"},
                                                         {PoolingForm::Dot, "dot"},     {PoolingForm::Mlp, "mlp"},
                                                         {PoolingForm::Heads, "heads"}, {PoolingForm::Qkv, "qkv"}};
  if (const auto form = attn::value_of(kForms, name)) return *form;
  throw attn::InputError("unknown pooling form '" + name + "' (" + attn::choices_of(kForms) + ")");
}

std::vector<SentencePooling> pool_sentences(const WordSet& words, PoolingForm form, const LessonSettings& lesson,
                                            const attn::Method& method) {
  std::vector<SentencePooling> out;
  for (const Sentence& sentence : words.sentences) {
    SentencePooling p;
    p.name = sentence.name;
    p.order.resize(sentence.tokens.size());
    std::iota(p.order.begin(), p.order.end(), 0);
    if (lesson.shuffled) p.order = shuffled_order(sentence.tokens.size());
    const attn::MatD original = words.sentence_vectors(sentence);
    const auto original_tokens = words.sentence_tokens(sentence);
    p.vectors.resize(original.rows(), original.cols());
    for (std::size_t k = 0; k < p.order.size(); ++k) {
      p.vectors.row(static_cast<attn::Index>(k)) = original.row(p.order[k]);
      p.tokens.push_back(original_tokens[static_cast<std::size_t>(p.order[k])]);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    switch (form) {
      case PoolingForm::Sum: p.pooled = attn::plain_sum(p.vectors); break;
      case PoolingForm::Mean: p.pooled = attn::plain_sum(p.vectors) / static_cast<double>(p.vectors.rows()); break;
      case PoolingForm::Dot:
      case PoolingForm::Mlp: {
        const attn::VecD scores = form == PoolingForm::Dot ? attn::dot_fixed_scores(p.vectors, as_vec(lesson.theta))
                                                           : attn::mlp_fixed_scores(p.vectors, words.mlp_w, words.mlp_b,
                                                                                    as_vec(lesson.theta));
        const attn::Pooling pooled = attn::pool(p.vectors, scores, method);
        p.weights = pooled.weights;
        p.pooled = pooled.pooled;
        p.defined = pooled.status == attn::RowStatus::Defined;
        if (p.defined) {
          const attn::VecD along_u = p.vectors * words.readout;  // u . x_i
          p.contributions = p.weights.cwiseProduct(along_u);
          if (method.kind == attn::MethodKind::Exp) {  // diag(a) - a a^T is softmax's Jacobian only
            p.score_gradient = attn::score_gradient(p.weights, along_u);
            p.jacobian = attn::softmax_jacobian(p.weights);
          }
        }
        break;
      }
      case PoolingForm::Heads: {
        const attn::Pooling a = attn::pool(p.vectors, attn::dot_fixed_scores(p.vectors, as_vec(lesson.theta)), method);
        const attn::Pooling b = attn::pool(p.vectors, attn::dot_fixed_scores(p.vectors, as_vec(lesson.theta2)), method);
        p.weights = a.weights;
        p.weights2 = b.weights;
        p.pooled.resize(4);
        p.pooled << a.pooled, b.pooled;
        p.defined = a.status == attn::RowStatus::Defined && b.status == attn::RowStatus::Defined;
        break;
      }
      case PoolingForm::Qkv: {
        attn::Vectors<double> v;
        v.queries = p.vectors * words.query_projection.transpose();
        v.keys = p.vectors * words.key_projection.transpose();
        attn::AttentionSpec spec;
        spec.score = attn::ScoreKind::ScaledDot;
        spec.method = method;
        const attn::Weights<double> w = attn::compute_weights(v, spec);
        p.self_weights = w.matrix;
        p.outputs = attn::attention_outputs(w, attn::MatD(p.vectors * words.value_projection.transpose()));
        p.pooled = attn::plain_sum(p.outputs) / static_cast<double>(p.outputs.rows());
        p.defined = w.undefined_count() == 0;
        break;
      }
    }
    if (!p.defined) {
      p.sentiment = nan;
    } else if (p.pooled.size() == 2) {
      p.sentiment = attn::logistic_readout(words.readout, words.readout_bias, p.pooled);
    } else if (p.pooled.size() == 4 && words.heads_readout.size() == 4) {
      p.sentiment = attn::logistic_readout(words.heads_readout, words.heads_readout_bias, p.pooled);
    } else {
      p.sentiment = nan;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace ax
