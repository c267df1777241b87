// Sentiment, heads and shuffles pool every sentence of the word set; the other kinds look at one
// sentence and one word.
#include "lessons/claims_words.hpp"

#include <algorithm>
#include <cmath>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"
#include "lessons/claim_support.hpp"
#include "lessons/word_attention.hpp"

namespace ax {
namespace {

using nlohmann::json;

ClaimResult sentiment(const ClaimContext& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), parse_pooling_form(p.at("form").get<std::string>()), c.state.lesson,
                                     attn::parse_method(method_of(c, p)));
  const double threshold = p.value("threshold", 0.5);
  const double margin = p.value("margin", 0.0);
  if (!(margin >= 0.0)) throw attn::InputError("'margin' must be >= 0");
  ClaimResult r{true, "", {}};
  int checked = 0;
  for (const auto& s : pooled) {
    if (!p.contains(s.name)) continue;
    ++checked;
    const bool above = p.at(s.name).get<std::string>() == "above";
    r.holds = r.holds && (above ? s.sentiment > threshold + margin : s.sentiment < threshold - margin);
    r.values["sentiment." + s.name] = s.sentiment;
    r.measured += (r.measured.empty() ? "" : ", ") + s.name + " " + number(s.sentiment);
  }
  if (checked == 0) throw attn::InputError("the claim names none of the sentences");
  r.values["threshold"] = threshold;
  r.values["margin"] = margin;
  r.measured =
      "sentiment: " + r.measured + " (claim: beyond " + number(threshold) + " by more than " + number(margin) + ")";
  return r;
}

ClaimResult heads_differ(const ClaimContext& c, const json& p) {
  const auto pooled =
      pool_sentences(words_of(c), PoolingForm::Heads, c.state.lesson, attn::parse_method(method_of(c, p)));
  const std::string name = p.value("sentence", std::string("negative"));
  for (const auto& s : pooled) {
    if (s.name != name) continue;
    attn::Index a = 0, b = 0;
    s.weights.maxCoeff(&a);
    s.weights2.maxCoeff(&b);
    ClaimResult r{a != b,
                  "head 1 favours '" + s.tokens[static_cast<std::size_t>(a)] + "', head 2 favours '" +
                      s.tokens[static_cast<std::size_t>(b)] + "'",
                  {}};
    r.values["head1"] = s.tokens[static_cast<std::size_t>(a)];
    r.values["head2"] = s.tokens[static_cast<std::size_t>(b)];
    return r;
  }
  throw attn::InputError("no sentence '" + name + "'");
}

ClaimResult shuffle_invariance(const ClaimContext& c, const json& p) {
  const PoolingForm form = parse_pooling_form(p.at("form").get<std::string>());
  LessonSettings in_order = c.state.lesson, shuffled = c.state.lesson;
  in_order.shuffled = false;
  shuffled.shuffled = true;
  const attn::Method method = attn::parse_method(method_of(c, p));
  const auto a = pool_sentences(words_of(c), form, in_order, method);
  const auto b = pool_sentences(words_of(c), form, shuffled, method);
  double pooled_diff = 0.0, weight_diff = 0.0;
  for (std::size_t s = 0; s < a.size(); ++s) {
    pooled_diff = std::max(pooled_diff, (a[s].pooled - b[s].pooled).cwiseAbs().maxCoeff());
    for (std::size_t k = 0; k < b[s].order.size(); ++k) {
      const auto original = static_cast<attn::Index>(b[s].order[k]);
      if (form == PoolingForm::Qkv) {
        for (std::size_t l = 0; l < b[s].order.size(); ++l) {
          weight_diff = std::max(weight_diff,
                                 std::abs(b[s].self_weights(static_cast<attn::Index>(k), static_cast<attn::Index>(l)) -
                                          a[s].self_weights(original, b[s].order[l])));
        }
      } else if (a[s].weights.size() > 0) {
        weight_diff =
            std::max(weight_diff, std::abs(b[s].weights(static_cast<attn::Index>(k)) - a[s].weights(original)));
      }
    }
  }
  const double limit = p.value("at_most", 1e-12);
  auto amount = [](double v) { return v == 0.0 ? std::string("0 (exactly)") : number(v); };
  ClaimResult r{pooled_diff <= limit && weight_diff <= limit,
                "pooled result moves by " + amount(pooled_diff) + "; each weight moves with its word, off by " +
                    amount(weight_diff),
                {}};
  r.values["pooled_diff"] = pooled_diff;
  r.values["weight_diff"] = weight_diff;
  return r;
}

SentencePooling sentence_of(const ClaimContext& c, const json& p) {
  const auto pooled = pool_sentences(words_of(c), parse_pooling_form(p.at("form").get<std::string>()), c.state.lesson,
                                     attn::parse_method(method_of(c, p)));
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
  const auto pooled = pool_sentences(words, PoolingForm::Dot, c.state.lesson, attn::parse_method(method_of(c, p)));
  double gap = 0.0;
  for (const auto& s : pooled) {
    attn::Vectors<double> v;
    v.queries = attn::MatD(1, 2);
    v.queries << c.state.lesson.theta[0], c.state.lesson.theta[1];
    v.keys = s.vectors;
    attn::AttentionSpec spec;
    spec.score = attn::ScoreKind::Dot;
    spec.alpha = 1.0;
    spec.method = attn::parse_method(method_of(c, p));
    const attn::Weights<double> w = attn::compute_weights(v, spec);
    gap = std::max(gap, (w.matrix.row(0).transpose() - s.weights).cwiseAbs().maxCoeff());
  }
  const double limit = p.value("at_most", 1e-12);
  return {gap <= limit,
          "weights of the query theta over the words as keys differ from fixed attention by " + number(gap) +
              " (claim <= " + number(limit) + ")",
          {{"gap", gap}}};
}

constexpr ClaimParam kForm{"form", "how the sentence is pooled: sum, mean, dot, mlp, heads or qkv"};
constexpr ClaimParam kSentence{"sentence", "the sentence's name in the word set"};

}  // namespace

std::span<const ClaimKind> word_claim_kinds() {
  static const std::vector<ClaimKind> table = {
      {.name = "sentiment",
       .evaluate = sentiment,
       .measures = "the readout of each sentence the claim names, pooled in the form: above threshold + margin, or "
                   "below threshold - margin",
       .params = {kForm,
                  {"<sentence>", "'above' or 'below', for each sentence checked (at least one)"},
                  {"threshold", "the readout's threshold", "default 0.5"},
                  {"margin", "how far beyond the threshold (>= 0)", "default 0"},
                  kMethodParam},
       .values = {"sentiment.<sentence>", "threshold", "margin"}},
      {.name = "heads_differ",
       .evaluate = heads_differ,
       .measures = "the two heads of the 'heads' form give their largest weight to different words of the sentence",
       .params = {{"sentence", "the sentence's name", "default negative"}, kMethodParam},
       .values = {"head1", "head2"}},
      {.name = "shuffle_invariance",
       .evaluate = shuffle_invariance,
       .identity = true,
       .measures = "shuffling the words moves neither the pooled result nor any word's weight (each weight moves "
                   "with its word)",
       .params = {kForm, kMethodParam, {"at_most", "upper bound on both changes", "default 1e-12"}},
       .values = {"pooled_diff", "weight_diff"}},
      {.name = "word_decides",
       .evaluate = word_decides,
       .measures = "the word has the sentence's largest weight and the largest term of the readout u . f",
       .params = {kForm, kSentence, {"word", "the word"}, kMethodParam},
       .values = {"heaviest", "weight", "largest_term", "term", "total"}},
      {.name = "score_gradient_share",
       .evaluate = score_gradient_share,
       .measures = "the share |dz/dg_word| / max_i |dz/dg_i| of the largest score gradient that the word receives "
                   "(the gradient diag(a) - a a^T is softmax's: method exp only)",
       .params = {kForm, kSentence, {"word", "the word"}, {"share_at_most", "upper bound on the share"}, kMethodParam},
       .values = {"share", "weight"}},
      {.name = "fixed_as_cross_attention",
       .evaluate = fixed_as_cross_attention,
       .identity = true,
       .measures = "fixed attention with its vector theta equals cross-attention of one query theta over the words "
                   "as keys (dot score, alpha 1), in every sentence",
       .params = {kMethodParam, {"at_most", "upper bound on the largest weight difference", "default 1e-12"}},
       .values = {"gap"}},
  };
  return table;
}

}  // namespace ax
