// Held-out perplexity and accuracy of the tiny language models: the engine's clean scores equal
// the training script's, in any thread count; progress, cancellation and bad files.
#include <atomic>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/lm/heldout.hpp"
#include "attn/lm/robustness.hpp"
#include "lm_test_support.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;
using test::model_path;

std::string heldout_path() { return std::string(AX_SOURCE_DIR) + "/assets/models/heldout.npz"; }

TEST(HeldoutText, ReadsTheShippedSplit) {
  const HeldoutText text = read_heldout_text(heldout_path());
  EXPECT_EQ(text.ids.size(), 36444u);
  EXPECT_EQ(text.vocabulary.size(), 3072u);
  EXPECT_EQ(heldout_window_count(text, 64), 569);
}

// The training script measured each model's held-out perplexity and undefined-row fraction in
// torch (float32) and stored them in the config: the engine, another implementation, must agree.
TEST(HeldoutScore, CleanScoresEqualTheTrainingScripts) {
  const HeldoutText text = read_heldout_text(heldout_path());
  for (const char* name : {"exp", "relu", "power2"}) {
    const LanguageModel model = read_language_model(model_path(name));
    const LmScore score = evaluate_heldout(model, text, {});
    EXPECT_EQ(score.windows, 569);
    EXPECT_EQ(score.predictions, 569 * 64);
    EXPECT_NEAR(score.perplexity / model.config.heldout_perplexity, 1.0, 1e-4) << name;
    EXPECT_NEAR(score.undefined_fraction, model.config.undefined_row_fraction, 1e-5) << name;
    EXPECT_GT(score.accuracy, 0.1) << name;
    EXPECT_LT(score.accuracy, 0.6) << name;
  }
}

TEST(HeldoutScore, DoesNotDependOnTheThreadCount) {
  const HeldoutText text = read_heldout_text(heldout_path());
  const LanguageModel model = read_language_model(model_path("relu_noise"));
  LmRunOptions options;
  options.perturbation.shift = 1.0;
  options.perturbation.global_rms = 0.3;
  options.perturbation.seed = 3;
  set_thread_count(1);
  const LmScore one = evaluate_heldout(model, text, options, {}, 40);
  set_thread_count(2);
  const LmScore two = evaluate_heldout(model, text, options, {}, 40);
  set_thread_count(0);
  EXPECT_EQ(one.mean_loss, two.mean_loss);
  EXPECT_EQ(one.accuracy, two.accuracy);
  EXPECT_EQ(one.undefined_fraction, two.undefined_fraction);
  // Another seed of the noise gives another score.
  options.perturbation.seed = 4;
  EXPECT_NE(evaluate_heldout(model, text, options, {}, 40).mean_loss, one.mean_loss);
}

TEST(HeldoutScore, ReportsProgressAndStopsWhenCancelled) {
  const HeldoutText text = read_heldout_text(heldout_path());
  const LanguageModel model = read_language_model(model_path("exp"));
  std::atomic<bool> cancel{false};
  int last_done = 0, last_total = 0;
  ProgressReporter progress;
  progress.on_progress = [&](int done, int total) {
    last_done = done;
    last_total = total;
    if (done == 5) cancel = true;
  };
  progress.cancel = &cancel;
  EXPECT_THROW(evaluate_heldout(model, text, {}, progress), Cancelled);
  EXPECT_EQ(last_total, 569);
  EXPECT_GE(last_done, 5);
  EXPECT_LT(last_done, 569);
  cancel = false;
  progress.on_progress = [&](int done, int total) { last_done = done, last_total = total; };
  evaluate_heldout(model, text, {}, progress, 12);
  EXPECT_EQ(last_done, 12);
  EXPECT_EQ(last_total, 12);
}

TEST(HeldoutScore, BadTextsAreInputErrorsNamingTheFile) {
  const fs::path path = fs::temp_directory_path() / ("attn_heldout_" + std::to_string(::getpid()) + ".npz");
  const auto error_of = [&](const std::function<void(std::vector<test::MemberCopy>&)>& edit) {
    std::vector<test::MemberCopy> members = test::copy_members(NpzArchive(heldout_path()));
    edit(members);
    test::write_members(members, path.string());
    std::string message = "(no error)";
    try {
      const HeldoutText text = read_heldout_text(path.string());
      evaluate_heldout(read_language_model(model_path("exp")), text, {}, {}, 2);
    } catch (const InputError& e) {
      message = e.what();
    }
    return message;
  };
  EXPECT_NE(error_of([](auto& m) { m[0].numbers.values[10] = 2.5; }).find("'ids' [10] is 2.5"), std::string::npos);
  EXPECT_NE(error_of([](auto& m) { m[0].numbers.values[3] = 3072; }).find("not a token id"), std::string::npos);
  EXPECT_NE(error_of([](auto& m) { m[1].text[7] = "zzz"; }).find("vocabulary is not the one"), std::string::npos);
  EXPECT_NE(error_of([](auto& m) { m.erase(m.begin()); }).find("no member 'ids'"), std::string::npos);
  fs::remove(path);
}

TEST(RobustnessSweep, EveryModelAtEveryLevelWithProgressOverAll) {
  const HeldoutText text = read_heldout_text(heldout_path());
  const LanguageModel exp = read_language_model(model_path("exp"));
  const LanguageModel relu = read_language_model(model_path("relu"));
  RobustnessLevels levels;
  levels.shifts = {0.0, 3.0};
  levels.global_rms = {0.0, 0.2};
  levels.seeds = 3;
  levels.windows = 10;
  EXPECT_EQ(robustness_evaluations(levels, 2), 2 * (1 + 1 + 3));
  int last_done = 0, last_total = 0;
  ProgressReporter progress;
  progress.on_progress = [&](int done, int total) { last_done = done, last_total = total; };
  const RobustnessResult r = robustness_sweep({&exp, &relu}, text, levels, progress);
  EXPECT_EQ(last_total, 10 * 2 * 5);
  EXPECT_EQ(last_done, last_total);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_EQ(r.windows, 10);
  const ModelRobustness& e = r.models[0];
  EXPECT_EQ(e.name, "exp");
  EXPECT_EQ(r.models[1].trained_with, "relu");
  ASSERT_EQ(e.by_shift.size(), 2u);
  ASSERT_EQ(e.by_noise.size(), 2u);
  EXPECT_EQ(e.by_noise[0].size(), 1u);  // s_g = 0: the clean score, once
  EXPECT_EQ(e.by_noise[1].size(), 3u);
  EXPECT_EQ(e.by_shift[0].mean_loss, e.clean.mean_loss);
  // exp: a shift is an identity (float rounding only); relu: it is not.
  EXPECT_NEAR(e.by_shift[1].mean_loss, e.clean.mean_loss, 1e-5);
  EXPECT_GT(std::abs(r.models[1].by_shift[1].mean_loss - r.models[1].clean.mean_loss), 1e-3);
  const MeanSpread spread = mean_spread(e.by_noise[1], &LmScore::perplexity);
  EXPECT_GT(spread.sd, 0.0);
  EXPECT_GT(spread.mean, e.clean.perplexity);
  EXPECT_EQ(mean_spread(e.by_noise[0], &LmScore::perplexity).sd, 0.0);
}

TEST(RobustnessSweep, StopsWhenCancelled) {
  const HeldoutText text = read_heldout_text(heldout_path());
  const LanguageModel exp = read_language_model(model_path("exp"));
  RobustnessLevels levels;
  levels.shifts = {0.0, 1.0, 2.0};
  levels.windows = 8;
  std::atomic<bool> cancel{false};
  ProgressReporter progress;
  progress.cancel = &cancel;
  progress.on_progress = [&](int done, int) { cancel = done >= 10; };
  EXPECT_THROW(robustness_sweep({&exp}, text, levels, progress), Cancelled);
}

}  // namespace
}  // namespace attn
