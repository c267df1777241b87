// The tiny language models of assets/models/: the kjv-words-v1 tokenizer against the test vectors
// tools/tiny_lm.py is checked with, the model reader's checks, and properties of the forward pass
// (the torch peer comparison is tests/tools/tiny_lm_peer_test.py).
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/lm/forward.hpp"
#include "attn/lm/language_model.hpp"
#include "attn/lm/tokenizer.hpp"
#include "lm_test_support.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;
using test::model_path;

const char* const kModels[] = {"exp", "relu", "softplus", "sigmoid", "power2", "exp_noise", "relu_noise"};

const LanguageModel& shipped(const std::string& name) {
  static std::map<std::string, LanguageModel> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, read_language_model(model_path(name))).first;
  return it->second;
}

std::vector<int> ids_of(const LanguageModel& model, const std::string& text) {
  return model.vocabulary.encode(tokenize_kjv_words(text));
}

const std::string kSentence =
    "And God said, Let there be light: and there was light. And God saw the light, that it was";

TEST(KjvTokenizer, GivesTheTokensOfEveryTestVector) {
  std::ifstream in(std::string(AX_SOURCE_DIR) + "/tests/tools/tokenizer_cases.json");
  ASSERT_TRUE(in) << "tests/tools/tokenizer_cases.json";
  const nlohmann::json cases = nlohmann::json::parse(in);
  ASSERT_EQ(cases["tokenizer"], std::string(kKjvWordsTokenizer));
  ASSERT_GE(cases["cases"].size(), 11u);
  for (const auto& c : cases["cases"]) {
    EXPECT_EQ(tokenize_kjv_words(c["text"].get<std::string>()), c["tokens"].get<std::vector<std::string>>())
        << c["text"];
  }
}

TEST(KjvTokenizer, MalformedUtf8GivesOneTokenPerStrayByte) {
  EXPECT_EQ(tokenize_kjv_words("\xff\x80"
                               "abc\xe2\x82"),
            (std::vector<std::string>{"\xff", "\x80", "abc", "\xe2", "\x82"}));
  EXPECT_EQ(tokenize_kjv_words("x'"), (std::vector<std::string>{"x", "'"}));
}

TEST(KjvTokenizer, UnknownTokensAreIdZero) {
  const LanguageModel& model = shipped("exp");
  const std::vector<int> ids = ids_of(model, "the zyzzyva");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(model.vocabulary.token(ids[0]), "the");
  EXPECT_EQ(ids[1], 0);
  EXPECT_EQ(model.vocabulary.token(0), "<unk>");
}

TEST(LanguageModelFile, ReadsEveryShippedModel) {
  for (const char* name : kModels) {
    const LanguageModel& model = shipped(name);
    EXPECT_EQ(model.config.name, name);
    EXPECT_EQ(model.config.layers, 3);
    EXPECT_EQ(model.config.heads, 4);
    EXPECT_EQ(model.config.d_head, 16);
    EXPECT_EQ(model.vocabulary.size(), 3072);
    EXPECT_TRUE(model.config.trained) << name;
    EXPECT_EQ(model.weights_f.blocks.size(), 3u);
    EXPECT_EQ(model.weights_d.tok_emb.cast<float>(), model.weights_f.tok_emb);
  }
  EXPECT_EQ(shipped("power2").config.method.spec(), "power:2");
  EXPECT_EQ(shipped("relu_noise").description(), "trained with relu and shared noise s_g = 0.1");
  EXPECT_EQ(shipped("sigmoid").description(), "trained with sigmoid");
}

class LanguageModelErrors : public ::testing::Test {
 protected:
  // The error reading a copy of exp.npz after `edit`.
  std::string error_after(const std::function<void(std::vector<test::MemberCopy>&)>& edit) {
    const fs::path path = fs::temp_directory_path() / ("attn_lm_error_" + std::to_string(::getpid()) + ".npz");
    test::write_edited_model("exp", path.string(), edit);
    std::string message = "(no error)";
    try {
      read_language_model(path.string());
    } catch (const InputError& e) {
      message = e.what();
    }
    fs::remove(path);
    return message;
  }
  static test::MemberCopy& member(std::vector<test::MemberCopy>& members, const std::string& name) {
    for (auto& m : members) {
      if (m.name == name) return m;
    }
    throw std::runtime_error("no member " + name);
  }
  static void edit_config(std::vector<test::MemberCopy>& members, const std::function<void(nlohmann::json&)>& f) {
    auto& text = member(members, "config").text.at(0);
    nlohmann::json config = nlohmann::json::parse(text);
    f(config);
    text = config.dump();
  }
};

TEST_F(LanguageModelErrors, NameTheFileTheMemberAndTheProblem) {
  const auto expect = [](const std::string& message, std::initializer_list<const char*> parts) {
    EXPECT_NE(message.find("attn_lm_error_"), std::string::npos) << message;
    for (const char* part : parts) EXPECT_NE(message.find(part), std::string::npos) << message << " lacks " << part;
  };
  expect(error_after(
             [](auto& m) { std::erase_if(m, [](const test::MemberCopy& c) { return c.name == "blocks.1.attn.wk"; }); }),
         {"no member 'blocks.1.attn.wk'"});
  expect(error_after([](auto& m) {
           member(m, "pos_emb").numbers.shape = {32, 128};
         }),
         {"member 'pos_emb' has shape (32, 128)", "(64, 64)"});
  expect(error_after([](auto& m) { member(m, "blocks.2.mlp.b1").numbers.values[7] = std::nan(""); }),
         {"blocks.2.mlp.b1", "NaN"});
  expect(error_after([](auto& m) { member(m, "config").text = {"{not json"}; }), {"'config' is not valid JSON"});
  expect(error_after([](auto& m) { edit_config(m, [](auto& c) { c["d_head"] = 15; }); }),
         {"heads x d_head = 60", "d_model = 64"});
  expect(error_after([](auto& m) { edit_config(m, [](auto& c) { c["layers"] = 1000; }); }), {"'layers' is 1000"});
  expect(error_after([](auto& m) { edit_config(m, [](auto& c) { c["tokenizer"] = "gpt2"; }); }),
         {"'tokenizer' is 'gpt2'", "kjv-words-v1"});
  expect(error_after([](auto& m) { edit_config(m, [](auto& c) { c["method"] = "softermax"; }); }),
         {"'method'", "softermax"});
  expect(error_after([](auto& m) { member(m, "vocab").text.pop_back(); }), {"'vocab' has 3071 tokens"});
  expect(error_after([](auto& m) { member(m, "vocab").text[5] = member(m, "vocab").text[4]; }), {"twice"});
  EXPECT_NE(error_after([](auto&) {}).find("(no error)"), std::string::npos);
}

TEST(LanguageModelFile, MissingOrForeignFilesAreInputErrors) {
  EXPECT_THROW(read_language_model(std::string(AX_SOURCE_DIR) + "/no/such/model.npz"), InputError);
  // The held-out text is an archive but not a model.
  try {
    read_language_model(std::string(AX_SOURCE_DIR) + "/assets/models/heldout.npz");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("heldout.npz"), std::string::npos) << e.what();
  }
}

double max_abs(const MatD& a, const MatD& b) { return (a - b).cwiseAbs().maxCoeff(); }

// log-probabilities of every next token at every position.
MatD log_probabilities(const MatD& logits) {
  MatD out = logits;
  for (Index t = 0; t < out.rows(); ++t) {
    const double top = out.row(t).maxCoeff();
    out.row(t).array() -= top + std::log((out.row(t).array() - top).exp().sum());
  }
  return out;
}

TEST(LanguageModelRun, AShiftLeavesTheExpModelExactlyUnchangedAnIdentity) {
  const LanguageModel& model = shipped("exp");
  const std::vector<int> ids = ids_of(model, kSentence);
  LmRunOptions shifted;
  shifted.perturbation.shift = 5.0;
  const LmRun<double> clean = run_language_model<double>(model, ids);
  const LmRun<double> moved = run_language_model<double>(model, ids, shifted);
  EXPECT_LT(max_abs(clean.logits, moved.logits), 1e-9);
  // The same with relu in place of exp: the shift changes relu's weights, and so the predictions.
  LmRunOptions relu = shifted;
  relu.method = parse_method("relu");
  LmRunOptions relu_clean;
  relu_clean.method = relu.method;
  const MatD a = log_probabilities(run_language_model<double>(model, ids, relu_clean).logits);
  const MatD b = log_probabilities(run_language_model<double>(model, ids, relu).logits);
  EXPECT_GT(max_abs(a, b), 0.1);
}

TEST(LanguageModelRun, AShiftChangesTheReluTrainedModelsPredictions) {
  const LanguageModel& model = shipped("relu");
  const std::vector<int> ids = ids_of(model, kSentence);
  LmRunOptions shifted;
  shifted.perturbation.shift = 5.0;
  const MatD a = log_probabilities(run_language_model<double>(model, ids).logits);
  const MatD b = log_probabilities(run_language_model<double>(model, ids, shifted).logits);
  EXPECT_GT(max_abs(a, b), 0.1);
}

TEST(LanguageModelRun, NoiseAlongTheOnesVectorVanishesInEveryLayerNorm) {
  const LanguageModel& model = shipped("relu");
  const std::vector<int> ids = ids_of(model, kSentence);
  const auto n = static_cast<Index>(ids.size());
  const MatD ones = MatD::Constant(n, model.config.d_model, 3.0);
  const LmRun<double> clean = run_language_model<double>(model, ids);
  const LmRun<double> along = run_language_model_with_noise<double>(model, ids, {}, ones);
  EXPECT_LT(max_abs(clean.logits, along.logits), 1e-9);
}

TEST(LanguageModelRun, SharedRandomNoiseChangesEvenTheExpModel) {
  const LanguageModel& model = shipped("exp");
  const std::vector<int> ids = ids_of(model, kSentence);
  LmRunOptions noisy;
  noisy.perturbation.global_rms = 0.3;
  noisy.perturbation.seed = 7;
  const MatD noise = embedding_noise(noisy.perturbation, static_cast<Index>(ids.size()), model.config.d_model);
  // One g shared by every position (no local part), of the asked size.
  EXPECT_EQ(noise.row(0), noise.row(static_cast<Index>(ids.size()) - 1));
  EXPECT_NEAR(std::sqrt(noise.row(0).squaredNorm() / model.config.d_model), 0.3, 0.1);
  const MatD a = log_probabilities(run_language_model<double>(model, ids).logits);
  const MatD b = log_probabilities(run_language_model<double>(model, ids, noisy).logits);
  EXPECT_GT(max_abs(a, b), 1e-2);
  // The same seed and draw give the same noise; another draw another.
  LmRunOptions again = noisy;
  EXPECT_EQ(log_probabilities(run_language_model<double>(model, ids, again).logits), b);
  again.perturbation.draw = 1;
  EXPECT_GT(max_abs(log_probabilities(run_language_model<double>(model, ids, again).logits), b), 1e-3);
}

TEST(LanguageModelRun, RecordsEveryHeadAsTheEngineRecomputesIt) {
  const LanguageModel& model = shipped("softplus");
  const std::vector<int> ids = ids_of(model, kSentence);
  const auto n = static_cast<Index>(ids.size());
  const LmRun<double> run = run_language_model<double>(model, ids);
  ASSERT_EQ(run.heads.size(), 12u);
  EXPECT_EQ(run.logits.rows(), n);
  EXPECT_EQ(run.logits.cols(), 3072);
  for (int l = 0; l < 3; ++l) {
    for (int h = 0; h < 4; ++h) {
      const LmHeadRecord<double>& head = run.head(l, h);
      ASSERT_EQ(head.q.rows(), n);
      ASSERT_EQ(head.q.cols(), 16);
      Vectors<double> vectors;
      vectors.queries = head.q;
      vectors.keys = head.k;
      AttentionSpec spec;  // scaled-dot: q.k / sqrt(16), as the model scores
      spec.method = parse_method("softplus");
      spec.mask = Mask::Causal;
      const Weights<double> again = compute_weights(vectors, spec);
      EXPECT_LT(max_abs(again.matrix, head.weights.matrix), 1e-12) << "layer " << l << " head " << h;
      EXPECT_EQ(head.weights.matrix(0, 1), 0.0);  // causal
    }
  }
}

TEST(LanguageModelRun, UndefinedRowsAreCountedFlaggedAndGiveZeroOutput) {
  const LanguageModel& model = shipped("relu");
  const std::vector<int> ids = ids_of(model, kSentence);
  LmRunOptions below;
  below.perturbation.shift = -1000.0;  // every relu score negative: every row undefined
  const LmRun<double> run = run_language_model<double>(model, ids, below);
  EXPECT_EQ(run.undefined_rows, run.rows);
  EXPECT_EQ(run.rows, 3 * 4 * static_cast<Index>(ids.size()));
  EXPECT_TRUE(std::isnan(run.head(1, 2).weights.matrix(3, 0)));
  EXPECT_FALSE(run.head(1, 2).weights.defined(3));
  EXPECT_TRUE(run.logits.allFinite());
  // With no head contributing, position t's logits depend on its own token and position only:
  // the same token at the same position in another sentence gives the same logits.
  std::vector<int> other = ids;
  other[0] = ids_of(model, "behold")[0];
  const LmRun<double> run2 = run_language_model<double>(model, other, below);
  EXPECT_LT((run.logits.row(5) - run2.logits.row(5)).cwiseAbs().maxCoeff(), 1e-12);
  // The clean relu model has some undefined rows on this sentence, and not all.
  const LmRun<double> clean = run_language_model<double>(model, ids);
  EXPECT_LT(clean.undefined_rows, clean.rows);
}

TEST(LanguageModelRun, RefusesEmptyTooLongAndOutOfVocabularySequences) {
  const LanguageModel& model = shipped("exp");
  EXPECT_THROW(run_language_model<float>(model, std::vector<int>{}), InputError);
  EXPECT_THROW(run_language_model<float>(model, std::vector<int>(65, 1)), InputError);
  EXPECT_NO_THROW(run_language_model<float>(model, std::vector<int>(64, 1)));
  EXPECT_THROW(run_language_model<float>(model, std::vector<int>{1, 3072}), InputError);
  EXPECT_THROW(run_language_model<float>(model, std::vector<int>{-1}), InputError);
}

TEST(LanguageModelRun, FloatAgreesWithDoubleToFloatRounding) {
  const LanguageModel& model = shipped("power2");
  const std::vector<int> ids = ids_of(model, kSentence);
  const MatD f = run_language_model<float>(model, ids).logits.cast<double>();
  const MatD d = run_language_model<double>(model, ids).logits;
  EXPECT_LT(max_abs(f, d), 1e-3);
}

TEST(LanguageModelRun, TopNextTokensAreSortedProbabilities) {
  const LanguageModel& model = shipped("exp");
  const std::vector<int> ids = ids_of(model, "In the beginning God created the heaven and the");
  const LmRun<double> run = run_language_model<double>(model, ids);
  const Vec<double> last = run.logits.row(run.logits.rows() - 1).transpose();
  const std::vector<NextToken> top = top_next_tokens(model.vocabulary, last, 5);
  ASSERT_EQ(top.size(), 5u);
  double sum = 0.0;
  for (std::size_t r = 0; r < top.size(); ++r) {
    EXPECT_EQ(top[r].token, model.vocabulary.token(top[r].id));
    if (r > 0) {
      EXPECT_GE(top[r - 1].probability, top[r].probability);
    }
    sum += top[r].probability;
  }
  EXPECT_LE(sum, 1.0);
  Index best = 0;
  last.maxCoeff(&best);
  EXPECT_EQ(top[0].id, best);
}

}  // namespace
}  // namespace attn
