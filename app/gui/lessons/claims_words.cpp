// Claim kinds of lesson 2's steps on which word decides and where the gradient goes.
#include <cmath>

#include "attn/kernels/attention.hpp"
#include "lessons/claims_theory_support.hpp"
#include "lessons/word_attention.hpp"

namespace ax {
namespace {

using nlohmann::json;
using theory::number;

const WordSet& words_of(const ClaimContext& c) {
  if (!c.words) throw attn::InputError("needs the step's word set (view_options.words)");
  return *c.words;
}

SentencePooling sentence_of(const ClaimContext& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), parse_pooling_form(p.at("form").get<std::string>()), c.state.lesson,
                                     attn::parse_method(theory::method_name(c, p)));
  const std::string name = p.at("sentence").get<std::string>();
  for (const auto& s : pooled) {
    if (s.name != name) continue;
    if (!s.defined || s.weights.size() == 0)
      throw attn::InputError("sentence '" + name + "' has no defined weights in this form");
    return s;
  }
  throw attn::InputError("no sentence '" + name + "'");
}

std::size_t index_of(const SentencePooling& s, const std::string& word) {
  for (std::size_t k = 0; k < s.tokens.size(); ++k) {
    if (s.tokens[k] == word) return k;
  }
  throw attn::InputError("no word '" + word + "' in sentence '" + s.name + "'");
}

ClaimResult word_decides(const ClaimContext& c, const json& p) {
  const SentencePooling s = sentence_of(c, p);
  const std::string word = p.at("word").get<std::string>();
  (void)index_of(s, word);
  attn::Index heaviest = 0, largest = 0;
  s.weights.maxCoeff(&heaviest);
  s.contributions.cwiseAbs().maxCoeff(&largest);
  const double total = s.contributions.sum();
  const auto& top = s.tokens[static_cast<std::size_t>(largest)];
  return {s.tokens[static_cast<std::size_t>(heaviest)] == word && top == word,
          "'" + s.name + "': largest weight " + s.tokens[static_cast<std::size_t>(heaviest)] + " " +
              number(s.weights(heaviest)) + "; largest term of u . f = " + number(total) + ": " + top + " " +
              number(s.contributions(largest)) + " (claim: '" + word + "' for both)",
          {{"heaviest", s.tokens[static_cast<std::size_t>(heaviest)]},
           {"weight", s.weights(heaviest)},
           {"largest_term", top},
           {"term", s.contributions(largest)},
           {"total", total}}};
}

ClaimResult score_gradient_share(const ClaimContext& c, const json& p) {
  const SentencePooling s = sentence_of(c, p);
  const std::size_t k = index_of(s, p.at("word").get<std::string>());
  if (s.score_gradient.size() == 0)
    throw attn::InputError("the score gradient diag(a) - a a^T is softmax's: needs method exp");
  const double largest = s.score_gradient.cwiseAbs().maxCoeff();
  const double share = largest > 0.0 ? std::abs(s.score_gradient(static_cast<attn::Index>(k))) / largest : 0.0;
  const double limit = p.at("share_at_most").get<double>();
  return {share <= limit,
          "'" + s.tokens[k] + "' (weight " + number(s.weights(static_cast<attn::Index>(k))) + ") receives " +
              number(100 * share) + "% of the largest score gradient (claim <= " + number(100 * limit) + "%)",
          {{"share", share}, {"weight", s.weights(static_cast<attn::Index>(k))}}};
}

// Fixed attention with theta computed as cross-attention: one query theta, the words as keys.
ClaimResult fixed_as_cross_attention(const ClaimContext& c, const json& p) {
  const WordSet& words = words_of(c);
  const auto pooled =
      pool_sentences(words, PoolingForm::Dot, c.state.lesson, attn::parse_method(theory::method_name(c, p)));
  double gap = 0.0;
  for (const auto& s : pooled) {
    attn::Vectors<double> v;
    v.queries = attn::MatD(1, 2);
    v.queries << c.state.lesson.theta[0], c.state.lesson.theta[1];
    v.keys = s.vectors;
    attn::AttentionSpec spec;
    spec.score = attn::ScoreKind::Dot;
    spec.alpha = 1.0;
    spec.method = attn::parse_method(theory::method_name(c, p));
    const attn::Weights<double> w = attn::compute_weights(v, spec);
    gap = std::max(gap, (w.matrix.row(0).transpose() - s.weights).cwiseAbs().maxCoeff());
  }
  const double limit = p.value("at_most", 1e-12);
  return {gap <= limit,
          "weights of the query theta over the words as keys differ from fixed attention by " + number(gap) +
              " (claim <= " + number(limit) + ")",
          {{"gap", gap}}};
}

}  // namespace

const std::map<std::string, ClaimKind>& word_claim_kinds() {
  static const std::map<std::string, ClaimKind> table = {
      {"word_decides", word_decides},
      {"score_gradient_share", score_gradient_share},
      {"fixed_as_cross_attention", fixed_as_cross_attention},
  };
  return table;
}

}  // namespace ax
