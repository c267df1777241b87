// The sentence mode driven through the controller with no window: a typed sentence through a tiny
// language model shown as a model (every layer and head, token labels, the model's own W beside
// the recomputed methods), the next-token predictions clean and perturbed (the demo: the
// exp-trained model's stay at M = 5, the relu-trained model's change), bad sentences, and the
// robustness chart in the background with progress and cancellation.
#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include "attn/lm/tokenizer.hpp"
#include "compute/language_models.hpp"
#include "compute/sentence_loading.hpp"
#include "controller/app_controller.hpp"
#include "figures/reference_verdict.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

AppState sentence_state(const std::string& model, double shift = 0.0) {
  AppState s;
  s.data.source = DataSource::Sentence;
  s.data.language_model = model;
  s.noise.shift = shift;
  return s;
}

void settle(AppController& app) {
  app.sync();
  app.wait_for_results();
}

bool has_message(const AppController& app, const std::string& text) {
  for (const auto& m : app.messages().entries()) {
    if (m.text.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(SentenceMode, ShowsEveryLayerAndHeadWithTokensOnEveryAxis) {
  AppController app(sentence_state("exp"));
  settle(app);
  const auto data = app.data();
  ASSERT_TRUE(data && data->model && data->sentence);
  EXPECT_EQ(data->model->layers, 3);
  EXPECT_EQ(data->model->heads, 4);
  const auto cells = app.model_grid_cells();  // every head pictured in the model view
  ASSERT_TRUE(cells);
  EXPECT_EQ(cells->cells.size(), 12u);
  EXPECT_TRUE(cells->complete()) << cells->error;
  const std::vector<std::string> tokens = attn::tokenize_kjv_words(kDefaultSentence);
  ASSERT_EQ(data->query_labels.size(), tokens.size());
  EXPECT_EQ(data->query_labels, data->key_labels);
  EXPECT_EQ(data->query_labels[2], "lord");
  EXPECT_EQ(data->query_labels.back(), "of");
  ASSERT_TRUE(data->reference);  // the model's own W of the open head
  // The model's scores and its F first among the methods: exp recomputed from the head's Q and K
  // is the model's own W.
  EXPECT_EQ(app.state().attention.mask, "causal");
  EXPECT_EQ(app.state().attention.score, "scaled-dot");
  EXPECT_EQ(app.state().attention.methods.front(), "exp");
  const auto result = app.result();
  ASSERT_TRUE(result && result->has_reference);
  EXPECT_LT(result->own_f_vs_reference.max_abs_diff, 1e-5);
  // Another head: the arrow keys' command.
  app.command(Command::NextLayer);
  settle(app);
  EXPECT_EQ(app.data()->layer, 1);
}

TEST(SentenceMode, AReluTrainedModelPutsItsOwnFFirst) {
  AppController app(sentence_state("relu"));
  settle(app);
  EXPECT_EQ(app.state().attention.methods.front(), "relu");
  const auto result = app.result();
  ASSERT_TRUE(result && !result->methods.empty());
  EXPECT_EQ(result->methods.front().spec, "relu");
  EXPECT_LT(result->methods.front().vs_reference.max_abs_diff, 1e-5);
  // The model's badge compares the model's own F: "exp differs max|dW| 0.62" stood beside a relu
  // heatmap identical to the model's weights.
  EXPECT_EQ(result->own_f, "relu");
  EXPECT_LT(result->own_f_vs_reference.max_abs_diff, 1e-5);
  EXPECT_EQ(reference_verdict(*result, app.state().attention.mask).label, "relu matches");
}

// The demo the mode is for, at M = 5: softmax's predictions are an identity of the shift; relu's
// move (measured on the default sentence: "israel" 0.28 falls to 0.13, "the" takes the top).
TEST(SentenceMode, AtMFiveTheExpModelPredictsTheSameWordsAndTheReluModelDoesNot) {
  AppController exp(sentence_state("exp", 5.0));
  settle(exp);
  const auto p = exp.sentence().predictions();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->perturbation.shift, 5.0);
  EXPECT_TRUE(same_ranking(*p));
  EXPECT_LT(p->total_variation, 1e-5);  // float rounding only
  EXPECT_EQ(p->clean.front().token, "israel");

  AppController relu(sentence_state("relu", 5.0));
  settle(relu);
  const auto q = relu.sentence().predictions();
  ASSERT_TRUE(q);
  EXPECT_FALSE(same_ranking(*q));
  EXPECT_GT(q->total_variation, 0.05);
  // M moves the predictions as it moves: back to 0, they are the clean ones again.
  relu.state().noise.shift = 0.0;
  settle(relu);
  EXPECT_TRUE(same_ranking(*relu.sentence().predictions()));
  EXPECT_EQ(relu.sentence().predictions()->total_variation, 0.0);
}

// Every step of Lesson 5 shows its model's F recomputed from the head's Q and K as the model ran
// it (causal, scaled dot product): without a perturbation, that heatmap is the model's own W. A step
// whose scenario left the mask at 'none' once showed exp "differing" from an exp-trained model by 0.95.
TEST(SentenceMode, EveryStepOfLessonFiveRecomputesTheModelsOwnWeights) {
  AppController app(AppState{});
  app.open_lesson(std::string(AX_TEST_LESSONS_DIR) + "/5_trained_models.json");
  ASSERT_TRUE(app.lesson_active());
  for (int step = 0; step < 4; ++step) {
    app.lesson_go_to(step, false);
    app.state().noise = NoiseSettings{};  // the clean weights: the model's own W is clean
    settle(app);
    const auto data = app.data();
    ASSERT_TRUE(data && data->sentence) << "step " << step + 1;
    const std::string own = data->sentence->model->config.method.spec();
    const auto result = app.result();
    ASSERT_TRUE(result && result->has_reference) << "step " << step + 1;
    bool found = false;
    for (const auto& m : result->methods) {
      if (m.spec != own) continue;
      found = true;
      EXPECT_LT(m.vs_reference.max_abs_diff, 1e-5)
          << "step " << step + 1 << ": " << own << " with mask '" << app.state().attention.mask << "'";
    }
    EXPECT_TRUE(found) << "step " << step + 1 << " does not show the model's own F, " << own;
  }
}

TEST(SentenceMode, SharedNoiseMovesEvenTheExpModelsPredictions) {
  AppState s = sentence_state("exp");
  s.noise.global_rms = 0.3;
  AppController app(s);
  settle(app);
  const auto p = app.sentence().predictions();
  ASSERT_TRUE(p);
  EXPECT_GT(p->total_variation, 1e-3);
  nlohmann::json report = app.report();
  EXPECT_EQ(report["predictions"]["global_rms"], 0.3);
}

TEST(SentenceMode, ABadSentenceOrModelKeepsTheCurrentDataAndSaysWhy) {
  AppController app(sentence_state("exp"));
  settle(app);
  const auto before = app.data();
  app.state().data.sentence = " \t ";
  settle(app);
  EXPECT_TRUE(has_message(app, "no tokens"));
  EXPECT_EQ(app.data(), before);
  EXPECT_EQ(app.state().data.sentence, kDefaultSentence);
  app.state().data.language_model = "no_such_model";
  settle(app);
  EXPECT_TRUE(has_message(app, "no_such_model.npz"));
  EXPECT_EQ(app.data(), before);
  app.state().data.language_model_method = "softermax";
  settle(app);
  EXPECT_TRUE(has_message(app, "softermax"));
}

TEST(SentenceMode, UnknownWordsAndLongTextsAreNamed) {
  AppState s = sentence_state("sigmoid");
  s.data.sentence = "the zyzzyva of Babylon";
  AppController app(s);
  settle(app);
  EXPECT_TRUE(has_message(app, "zyzzyva"));
  std::string many;
  for (int k = 0; k < 70; ++k) many += "and the ";
  app.state().data.sentence = many;
  settle(app);
  EXPECT_TRUE(has_message(app, "the first 76 were left out"));
  EXPECT_EQ(app.data()->query_labels.size(), 64u);
}

TEST(SentenceMode, AnotherFInEveryHeadRunsTheModelWithIt) {
  AppState s = sentence_state("exp");
  s.data.language_model_method = "relu";
  AppController app(s);
  settle(app);
  ASSERT_TRUE(app.data()->sentence && app.data()->sentence->method);
  EXPECT_EQ(app.data()->sentence->method->spec(), "relu");
  EXPECT_EQ(app.state().attention.methods.front(), "relu");
  EXPECT_NE(app.data()->description.find("relu in place of its own F"), std::string::npos);
}

TEST(SentenceMode, TheScenarioKeepsTheSentenceAndTheRobustnessSettings) {
  AppState s = sentence_state("power2", 2.5);
  s.data.sentence = "Blessed are the meek";
  s.robustness.models = {"exp", "relu"};
  s.robustness.windows = 12;
  const AppState back = scenario_from_json(scenario_to_json(s), AppState{}, "test");
  EXPECT_EQ(back, s);
  nlohmann::json bad = scenario_to_json(s);
  bad["robustness"]["seeds"] = 0;
  EXPECT_THROW(scenario_from_json(bad, AppState{}, "test"), attn::InputError);
  bad = scenario_to_json(s);
  bad["data"]["source"] = "sentences";
  EXPECT_THROW(scenario_from_json(bad, AppState{}, "test"), attn::InputError);
}

TEST(SentenceMode, ModelChoicesNameWhatEachWasTrainedWith) {
  AppController app(sentence_state("exp"));
  const auto& choices = app.sentence().model_choices();
  ASSERT_EQ(choices.size(), 7u);
  bool found = false;
  for (const auto& c : choices)
    found = found || (c.name == "relu_noise" && c.label.find("relu and shared noise") != std::string::npos);
  EXPECT_TRUE(found);
}

TEST(RobustnessChart, ComputesEveryModelInTheBackgroundWithProgress) {
  AppController app(sentence_state("exp"));
  RobustnessSettings& r = app.state().robustness;
  r.models = {"exp", "relu"};
  r.shifts = {0.0, 5.0};
  r.global_rms = {0.0, 0.3};
  r.windows = 6;
  r.seeds = 2;
  app.start_robustness();
  app.sentence().wait_for_robustness();
  const auto chart = app.sentence().robustness().result();
  ASSERT_TRUE(chart);
  const auto [done, total] = app.sentence().robustness().progress();
  EXPECT_EQ(done, total);
  EXPECT_EQ(total, 6 * 2 * (1 + 1 + 2));
  ASSERT_EQ(chart->result.models.size(), 2u);
  const auto& e = chart->result.models[0];
  EXPECT_NEAR(e.by_shift[1].perplexity / e.by_shift[0].perplexity, 1.0, 1e-5);  // identity, float rounding
  const auto& rl = chart->result.models[1];
  EXPECT_GT(std::abs(rl.by_shift[1].perplexity / rl.by_shift[0].perplexity - 1.0), 1e-3);
  EXPECT_EQ(e.by_noise[1].size(), 2u);
  EXPECT_TRUE(app.report()["robustness"]["models"].is_array());
}

TEST(RobustnessChart, CancelStopsItAndSaysSo) {
  AppController app(sentence_state("exp"));
  app.state().robustness.windows = 569;
  app.start_robustness();
  while (app.sentence().robustness().progress().first == 0 && app.sentence().robustness().running()) {
    std::this_thread::yield();
  }
  app.sentence().cancel_robustness();
  app.sentence().wait_for_robustness();
  EXPECT_FALSE(app.sentence().robustness().result());
  EXPECT_NE(app.sentence().robustness().status().find("cancelled after"), std::string::npos);
}

}  // namespace
}  // namespace ax

namespace ax {
namespace {

// A scenario can start the chart itself (a demo, a screenshot): no click needed.
TEST(RobustnessChart, AScenarioCanComputeItOnOpen) {
  AppState s = sentence_state("exp");
  s.robustness.models = {"exp"};
  s.robustness.shifts = {0.0, 5.0};
  s.robustness.global_rms = {0.0};
  s.robustness.windows = 4;
  s.robustness.compute_on_open = true;
  AppController app(s);
  settle(app);
  const auto chart = app.sentence().robustness().result();
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->result.models.size(), 1u);
  AppController idle(sentence_state("exp"));
  settle(idle);
  EXPECT_FALSE(idle.sentence().robustness().result());
}

}  // namespace
}  // namespace ax
