// The controller driven with no window: this binary links neither ImGui nor OpenGL. It checks the
// staging (an edit of M recomputes only the perturbed stage, observed through the stage counters
// and through the results themselves), change detection by value, and the reuse of result
// buffers between edits.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "attn/kernels/attention.hpp"
#include "controller/app_controller.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

struct Counts {
  int clean, perturbed, chart;
};

Counts counts(const AppController& app) {
  const StageCounts& c = app.stage_counts();
  return {c.clean.load(), c.perturbed.load(), c.chart.load()};
}

AppState small_state() {
  AppState s;
  s.data.n = 48;
  s.data.d = 8;
  s.attention.methods = {"exp", "relu", "softplus"};
  return s;
}

void settle(AppController& app) {
  app.sync();
  app.wait_for_results();
}

TEST(Controller, AnEditOfMRecomputesOnlyThePerturbedStage) {
  AppController app(small_state());
  settle(app);
  const Counts before = counts(app);
  ASSERT_GE(before.clean, 1);
  ASSERT_GE(before.chart, 1);
  const auto chart_before = app.chart();

  for (double shift : {0.5, 1.0, 2.0}) {
    app.state().noise.shift = shift;
    app.sync();
    // The chart does not depend on M: it stays on screen, it is not recomputed.
    EXPECT_EQ(app.chart(), chart_before);
    app.wait_for_results();
  }
  const Counts after = counts(app);
  EXPECT_EQ(after.clean, before.clean);
  EXPECT_EQ(after.chart, before.chart);
  EXPECT_EQ(after.perturbed, before.perturbed + 3);

  // The staged results are the engine's: clean weights of the unperturbed spec and perturbed
  // weights of the newest M. (Within float rounding, not bit for bit: the engine's softplus
  // differs by ~1e-8 between two calls on different buffers. A stale stage would differ by far
  // more: M moves relu's weights by ~0.1.)
  const auto close = [](const attn::MatF& a, const attn::MatF& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a - b).cwiseAbs().maxCoeff() <= 1e-6f;
  };
  const auto result = app.result();
  ASSERT_TRUE(result);
  const attn::Vectors<float> v = engine_vectors<float>(*app.data());
  const AppState& s = app.state();
  for (std::size_t k = 0; k < s.attention.methods.size(); ++k) {
    const attn::AttentionSpec spec =
        make_attention_spec(s.attention, false, attn::parse_method(s.attention.methods[k]));
    const attn::Perturbation p = make_perturbation(s.noise, v.queries.rows(), v.queries.rows());
    EXPECT_TRUE(close(result->methods[k].clean.matrix, attn::compute_weights(v, spec).matrix)) << k;
    EXPECT_TRUE(close(result->methods[k].perturbed.matrix, attn::compute_weights(v, spec, p).matrix)) << k;
  }
  EXPECT_EQ(app.chart()->clean_generation, result->clean_generation);
}

TEST(Controller, EachSettingRecomputesTheStagesThatDependOnIt) {
  AppController app(small_state());
  settle(app);
  Counts c = counts(app);

  app.state().attention.alpha = 2.0;  // clean inputs: every stage
  settle(app);
  Counts n = counts(app);
  EXPECT_EQ(n.clean, c.clean + 1);
  EXPECT_EQ(n.perturbed, c.perturbed + 1);
  EXPECT_EQ(n.chart, c.chart + 1);

  c = n;
  app.state().view.chart_shift_max = 10.0;  // the chart's range: the chart only
  settle(app);
  n = counts(app);
  EXPECT_EQ(n.clean, c.clean);
  EXPECT_EQ(n.perturbed, c.perturbed);
  EXPECT_EQ(n.chart, c.chart + 1);

  c = n;
  app.state().data.n = 40;  // new data: every stage
  settle(app);
  n = counts(app);
  EXPECT_EQ(n.clean, c.clean + 1);
  EXPECT_EQ(n.chart, c.chart + 1);
  EXPECT_EQ(app.result()->queries, 40);
}

TEST(Controller, ChangesAreDetectedByValueAndViewEditsComputeNothing) {
  AppController app(small_state());
  settle(app);
  const Counts c = counts(app);
  const auto data = app.data();
  const auto generation = app.data_generation();
  for (int k = 0; k < 20; ++k) app.sync();  // nothing changed
  app.state().view.colormap = "magma";      // the view changes no number
  app.state().view.zoom = 3.0f;
  app.state().noise.study_draws = 17;  // nor do the study's size and the animation period
  app.state().noise.animate_frames = 7;
  app.state().lesson.revealed = true;
  settle(app);
  const Counts n = counts(app);
  EXPECT_EQ(n.clean, c.clean);
  EXPECT_EQ(n.perturbed, c.perturbed);
  EXPECT_EQ(n.chart, c.chart);
  EXPECT_EQ(app.data(), data);  // not reloaded
  EXPECT_EQ(app.data_generation(), generation);

  // Setting a value back and forth between syncs is the same value: nothing to compute.
  app.state().noise.shift = 3.0;
  app.state().noise.shift = 0.0;
  settle(app);
  EXPECT_EQ(counts(app).perturbed, c.perturbed);
  // A real change is seen.
  app.state().noise.shift = 3.0;
  settle(app);
  EXPECT_EQ(counts(app).perturbed, c.perturbed + 1);
}

TEST(Controller, ResultBuffersAreReusedBetweenEdits) {
  AppState s = small_state();
  s.data.n = 256;
  AppController app(s);
  settle(app);
  std::set<const void*> results, matrices;
  for (int k = 1; k <= 12; ++k) {
    app.state().noise.shift = 0.25 * k;
    app.sync();
    app.wait_for_weights();
    const auto result = app.result();
    ASSERT_TRUE(result && app.results_for_newest_edit());
    results.insert(result.get());
    matrices.insert(result->methods[1].perturbed.matrix.data());
    // Not held past this edit (as the UI drops a result once a newer one is shown).
  }
  // A handful of buffers serve every edit: no fresh n x n matrix per edit.
  EXPECT_LE(results.size(), 3u);
  EXPECT_LE(matrices.size(), 3u);
}

TEST(Controller, ResultsHeldByTheViewAreNeverOverwritten) {
  AppController app(small_state());
  settle(app);
  const auto held = app.result();
  const attn::MatF copy = held->methods[1].perturbed.matrix;
  for (int k = 1; k <= 6; ++k) {
    app.state().noise.shift = 0.5 * k;
    app.sync();
    app.wait_for_weights();
  }
  EXPECT_TRUE(held->methods[1].perturbed.matrix == copy);
  EXPECT_NE(app.result(), held);
}

// The noise animation draws anew every frame here, faster than the engine computes n = 1500:
// every draw must still reach the screen (a draw that cancelled the previous computation would
// leave the first picture for ever).
TEST(Controller, AnimationFasterThanTheEngineStillShowsNewDraws) {
  AppState s = small_state();
  s.data.n = 1500;
  s.data.d = 32;
  s.noise.global_rms = 0.3;
  s.noise.animate = true;
  s.noise.animate_frames = 1;
  AppController app(s);
  std::set<std::uint64_t> shown;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (shown.size() < 4 && std::chrono::steady_clock::now() < until) {
    app.advance_frame();
    app.sync();
    if (const auto result = app.result()) shown.insert(result->generation);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GE(shown.size(), 4u);
  EXPECT_GE(app.state().noise.draw, 3u);
}

// Beyond the dense limit the row inspector's row comes from the vectors: checked against a
// softmax written out here, and against the shift invariance it is about.
TEST(Controller, StreamingRowIsComputedFromTheVectors) {
  AppState s;
  s.data.n = 4500;  // 4500 x 4500 > 4096 x 4096 cells: the streaming path
  s.data.d = 4;
  s.attention.methods = {"exp", "relu", "sinkhorn:3"};
  s.noise.shift = 2.0;
  s.view.selected_row = 4321;
  AppController app(s);
  app.wait_for_results();
  ASSERT_TRUE(app.result());
  ASSERT_EQ(app.result()->path, ComputePath::Streaming);
  const auto row = app.streamed_row();
  ASSERT_TRUE(row);
  ASSERT_TRUE(row->valid);
  ASSERT_EQ(row->weights_clean.size(), 4500u);
  // softmax(q_i . k_j / sqrt(d)) in double, by hand.
  const attn::MatD& x = app.data()->queries;
  std::vector<double> expected(4500);
  double top = -1e300, total = 0.0;
  for (int j = 0; j < 4500; ++j) {
    expected[static_cast<std::size_t>(j)] = x.row(4321).dot(x.row(j)) / 2.0;
    top = std::max(top, expected[static_cast<std::size_t>(j)]);
  }
  for (double& e : expected) total += (e = std::exp(e - top));
  double worst = 0.0, worst_shift = 0.0;
  for (std::size_t j = 0; j < expected.size(); ++j) {
    worst = std::max(worst, std::abs(row->weights_clean[j] - expected[j] / total));
    worst_shift = std::max(worst_shift, std::abs(row->weights_perturbed[j] - row->weights_clean[j]));
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_LT(worst_shift, 1e-6);                                             // exp: the shift of M = 2 cancels
  EXPECT_NEAR(row->scores_perturbed[7] - row->scores_clean[7], 2.0, 1e-5);  // s = alpha (score + M), alpha 1

  app.state().view.selected_method = 1;  // relu feels the shift
  app.wait_for_results();
  const auto relu = app.streamed_row();
  ASSERT_TRUE(relu);
  double moved = 0.0;
  for (std::size_t j = 0; j < relu->weights_clean.size(); ++j) {
    moved = std::max(moved, std::abs(relu->weights_perturbed[j] - relu->weights_clean[j]));
  }
  EXPECT_GT(moved, 1e-4);

  app.state().view.selected_method = 2;  // Sinkhorn needs every row: said, not computed for ever
  app.wait_for_results();
  EXPECT_FALSE(app.streamed_row());
  EXPECT_NE(app.streamed_row_error().find("every row"), std::string::npos) << app.streamed_row_error();
}

TEST(Controller, LessonsScenariosAndTheStudyWithoutAWindow) {
  AppController app(small_state());
  settle(app);
  app.open_lesson(std::string(AX_TEST_LESSONS_DIR) + "/1_why_softmax.json");
  ASSERT_TRUE(app.lesson_active());
  app.lesson_go_to(1, false);
  settle(app);
  EXPECT_EQ(app.state().lesson.step, 1);
  EXPECT_TRUE(app.evaluation());
  app.lesson_close();
  settle(app);
  EXPECT_FALSE(app.lesson_active());

  const test::TempDir dir("ax_controller_");
  std::ofstream(dir.file("bad.json")) << R"({"attention": {"alpha": "warm"}})";
  const AppState before = app.state();
  app.open_scenario(dir.file("bad.json"));
  EXPECT_TRUE(app.state() == before);
  ASSERT_FALSE(app.messages().entries().empty());
  EXPECT_TRUE(app.messages().entries().back().error);

  app.state().noise.global_rms = 0.3;
  app.state().noise.study_draws = 5;
  settle(app);
  app.start_study();
  app.wait_for_study();
  ASSERT_TRUE(app.study().result());
  EXPECT_EQ(app.study().result()->study.draws, 5);
}

// Issue 15: log(z) is undefined for every row (log of a negative score). Its invariance curve has
// no point (no line on the chart, "undefined" in the legend) and --report gives null, not the 0
// that put it below exp as "the most invariant".
TEST(Controller, AnUndefinedMethodHasNoLineAndNoNumber) {
  AppState s = small_state();
  s.attention.methods = {"exp", "custom:log(z)"};
  s.noise.shift = 1.0;
  AppController app(s);
  settle(app);
  const nlohmann::json report = app.report();
  const auto& methods = report.at("results").at("methods");
  ASSERT_EQ(methods.size(), 2u);
  EXPECT_TRUE(methods[0].at("max_abs_diff").is_number());
  EXPECT_EQ(methods[1].at("undefined_clean"), 48);
  EXPECT_TRUE(methods[1].at("max_abs_diff").is_null()) << methods[1];

  const auto& curves = report.at("invariance_chart").at("curves");
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[0].at("legend"), "exp");
  for (const auto& v : curves[0].at("max_abs_diff")) EXPECT_TRUE(v.is_number());
  EXPECT_EQ(curves[1].at("legend"), "custom:log(z): undefined");
  for (const auto& v : curves[1].at("max_abs_diff")) EXPECT_TRUE(v.is_null()) << curves[1];
  ASSERT_TRUE(app.chart());
  EXPECT_TRUE(app.chart()->curves[1].undefined_everywhere());
  EXPECT_FALSE(app.chart()->curves[0].undefined_everywhere());
}

}  // namespace
}  // namespace ax
