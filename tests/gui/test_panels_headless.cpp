// The ImGui frame loop with every panel, for hundreds of frames, with no renderer and no GL: the
// test binary does not link OpenGL, so a GL call in a panel would not even link. State edits,
// mouse input over the heatmaps, files good and bad, and scenario drops are exercised.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/io/npy.hpp"
#include "headless_imgui.hpp"
#include "imgui_internal.h"
#include "panels/frame_guard.hpp"
#include "state/scenario_file.hpp"
#include "temp_dir.hpp"
#include "widgets/key_event_queue.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

std::array<float, 4> rect(const nlohmann::json& report, const std::string& name) {
  const auto& r = report.at("layout").at(name);
  return {r[0].get<float>(), r[1].get<float>(), r[2].get<float>(), r[3].get<float>()};
}

// Hundreds of frames through every panel, one kind of input per test: each test has its own
// controller, user interface and temporary directory.
class PanelsHeadless : public ::testing::Test {
 protected:
  PanelsHeadless() : app_(AppState{}), ui_(canvas_, app_) {}
  void frames(int count) {
    for (int k = 0; k < count; ++k) ASSERT_GT(test::HeadlessImGui::frame(ui_), 0) << "a frame drew nothing";
  }
  // The state settles, then `count` frames show it.
  void settle(int count) {
    app_.wait_for_results();
    frames(count);
  }
  bool message_names(const std::string& text) const {
    const nlohmann::json report = ui_.report();
    for (const auto& m : report["messages"]) {
      if (m.get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }

  test::HeadlessImGui imgui_;
  NullHeatmapCanvas canvas_;
  AppController app_;
  ExplorerUi ui_;
  test::TempDir dir_{"ax_headless_panels_"};
};

TEST_F(PanelsHeadless, HoverZoomAndClickTheHeatmaps) {
  settle(30);
  nlohmann::json report = ui_.report();
  ASSERT_EQ(report["heatmaps"].size(), 4u);  // the default four methods
  EXPECT_GT(canvas_.requests(), 0);

  // Hover the first heatmap, zoom with the wheel, click a row.
  const auto r = rect(report, "heatmap:0");
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2((r[0] + r[2]) / 2, r[1] + (r[3] - r[1]) * 0.8f);
  frames(2);
  io.MouseWheel = 2.0f;
  frames(1);
  io.MouseWheel = 0.0f;
  EXPECT_GT(app_.state().view.zoom, 1.0f);
  io.MouseDown[0] = true;
  frames(1);
  io.MouseDown[0] = false;
  frames(2);
  EXPECT_GT(app_.state().view.selected_row, 0);
  io.MousePos = ImVec2(-100, -100);
}

TEST_F(PanelsHeadless, EveryModeColormapPrecisionMaskAndNoiseSetting) {
  // Every display mode, colormap, log scale, per-map range, precision and mask.
  AppState& s = app_.state();
  s.attention.methods = {"exp",       "relu",     "power:2",    "linear",
                         "softplus",  "sigmoid",  "exp-plus:1", "custom:max(z,0)^3",
                         "sparsemax", "entmax15", "sinkhorn:3", "doubly-normalized"};
  for (HeatmapMode mode : {HeatmapMode::Clean, HeatmapMode::AbsDifference, HeatmapMode::SignedDifference}) {
    s.view.mode = mode;
    s.view.log_scale = mode == HeatmapMode::AbsDifference;
    s.noise.shift = 1.5;
    settle(20);
  }
  EXPECT_EQ(ui_.report()["heatmaps"].size(), 12u);
  s.view.shared_range = false;
  s.view.colormap = "magma";
  s.attention.use_double = true;
  s.attention.mask = "causal";
  s.attention.score = "neg-sqdist";
  s.noise.global_rms = 0.4;
  s.noise.local_rms = 0.2;
  s.noise.row_shift_rms = 1.0;
  s.noise.column_shift_rms = 0.5;
  s.noise.animate = true;
  s.noise.animate_frames = 5;
  settle(60);
  EXPECT_GT(app_.state().noise.draw, 5u);
}

TEST_F(PanelsHeadless, FormulaErrorsAndUndefinedRowsAreShownNotHidden) {
  // A formula with an error shows the error in place of that heatmap; the others still compute.
  AppState& s = app_.state();
  s.attention.methods = {"exp", "custom:exp(z"};
  settle(10);
  nlohmann::json report = ui_.report();
  EXPECT_NE(report["results"]["methods"][1]["error"].get<std::string>().find("custom formula"), std::string::npos);

  // 2-D points, then a relu shift that makes rows undefined.
  s.data.source = DataSource::Points2D;
  s.attention = AttentionSettings{};
  s.attention.methods = {"relu"};
  s.attention.score = "dot";
  s.noise = NoiseSettings{};
  s.noise.shift = -5.0;
  settle(20);
  report = ui_.report();
  EXPECT_EQ(report["results"]["methods"][0]["undefined_perturbed"].get<int>(),
            static_cast<int>(default_points().size()));
}

TEST_F(PanelsHeadless, RowsThatNeedNotSumToOneShowTheirMassNotAsUndefined) {
  // Sigmoid attention and softpick beside exp: only their heatmaps get a row-mass strip, and the
  // grid says what their weights are.
  AppState& s = app_.state();
  s.attention.methods = {"exp", "sigmoid-attn", "softpick"};
  s.view.mode = HeatmapMode::Perturbed;
  s.noise.shift = -40.0;  // every score far below 0: the rows decline to attend
  settle(10);
  nlohmann::json report = ui_.report();
  const nlohmann::json& heatmaps = report["heatmaps"];
  EXPECT_FALSE(heatmaps["heatmap:0"].contains("row_mass"));
  EXPECT_TRUE(report["layout"].contains("row_mass_note"));
  const auto n = report["results"]["queries"].get<int>();
  for (const char* name : {"heatmap:1", "heatmap:2"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(heatmaps[name].contains("row_mass"));
    const nlohmann::json& mass = heatmaps[name]["row_mass"];
    // Every row is defined (a result), and holds almost nothing.
    EXPECT_EQ(mass["rows"].get<int>(), n);
    EXPECT_EQ(mass["defined_rows"].get<int>(), n);
    EXPECT_LT(mass["least"].get<double>(), 1e-6);
    EXPECT_EQ(report["results"]["methods"][name[8] - '0']["undefined_perturbed"].get<int>(), 0);
  }
  // The strip sits right of its heatmap, before the next cell's colour bar or image.
  const auto image = rect(report, "heatmap:1"), strip = rect(report, "row_mass:1");
  EXPECT_GT(strip[0], image[2]);
  EXPECT_EQ(strip[1], image[1]);
  EXPECT_EQ(strip[3], image[3]);
  // A difference view has no strip (it shows no weights), nor do methods whose rows sum to 1.
  s.view.mode = HeatmapMode::AbsDifference;
  settle(5);
  EXPECT_FALSE(ui_.report()["layout"].contains("row_mass_note"));
}

TEST_F(PanelsHeadless, AWeightFileIsShownAndAMissingOneKeepsTheData) {
  // A weight file is shown as it is; a missing file keeps the data and reports the error.
  AppState& s = app_.state();
  const std::vector<double> w = {0.25, 0.75, 1.0, 0.0, std::nan(""), std::nan("")};
  const std::string weights = dir_.file("w.npy");
  attn::write_npy(weights, w.data(), {3, 2});
  s.data.source = DataSource::File;
  s.data.vectors_path = weights;
  settle(20);
  const nlohmann::json report = ui_.report();
  EXPECT_EQ(report["results"]["queries"].get<int>(), 3);
  EXPECT_EQ(report["results"]["methods"][0]["undefined_clean"].get<int>(), 1);
  s.data.vectors_path = dir_.file("missing.npy");
  frames(5);
  EXPECT_EQ(app_.state().data.vectors_path, weights);  // back to the file that worked
  EXPECT_TRUE(message_names("missing.npy"));
}

TEST_F(PanelsHeadless, DroppedScenariosApplyOrKeepTheStateAndOpenTheirLesson) {
  // Dropping a bad scenario keeps the state; dropping a good one applies it.
  const AppState before = app_.state();
  std::ofstream(dir_.file("bad.json")) << R"({"attention": {"alpha": "warm"}})";
  app_.open_dropped_files({dir_.file("bad.json")});
  frames(3);
  EXPECT_TRUE(app_.state() == before);
  std::ofstream(dir_.file("good.json"))
      << R"({"attention": {"methods": ["exp", "sigmoid"]}, "view": {"show_charts": false}})";
  app_.open_dropped_files({dir_.file("good.json")});
  settle(20);
  EXPECT_EQ(app_.state().attention.methods.size(), 2u);
  EXPECT_EQ(ui_.report()["heatmaps"].size(), 2u);

  // A scenario inside a lesson opens the lesson at its step; a plain scenario closes it again.
  std::ofstream(dir_.file("in_lesson.json"))
      << R"({"lesson": {"path": ")" << AX_TEST_LESSONS_DIR << R"(/1_why_softmax.json", "step": 2}})";
  app_.open_dropped_files({dir_.file("in_lesson.json")});
  settle(10);
  EXPECT_TRUE(app_.lesson_active());
  EXPECT_EQ(app_.state().lesson.step, 2);
  app_.lesson_next();
  frames(3);
  EXPECT_EQ(app_.state().lesson.step, 2);  // step 3 asks a question: the first press reveals the answer
  EXPECT_TRUE(app_.state().lesson.revealed);
  app_.lesson_next();
  frames(3);
  EXPECT_EQ(app_.state().lesson.step, 3);
  app_.open_dropped_files({dir_.file("good.json")});
  frames(3);
  EXPECT_FALSE(app_.lesson_active());
}

TEST_F(PanelsHeadless, FramesKeepComingWhileTheEngineWorksOnALargeInput) {
  AppState& s = app_.state();
  s.data.n = 1024;
  s.data.d = 32;
  s.view.show_charts = true;
  frames(200);
  settle(5);
  EXPECT_EQ(ui_.report()["results"]["queries"].get<int>(), 1024);
}

// Beyond the dense limit the app streams: no W is held, the heatmaps still show pooled pixels
// and hovering one names its block; the row inspector says why it is not shown.
TEST(StreamingHeadless, StreamingPathShowsPooledPixelsWithoutW) {
  test::HeadlessImGui imgui;
  NullHeatmapCanvas canvas;
  AppState initial;
  initial.data.n = 4500;  // 4500 x 4500 > 4096 x 4096 cells
  initial.data.d = 4;
  initial.attention.methods = {"exp"};
  AppController app(initial);
  ExplorerUi ui(canvas, app);
  app.wait_for_results();
  test::HeadlessImGui::frames(ui, 5);
  nlohmann::json report = ui.report();
  ASSERT_EQ(report["results"]["queries"].get<int>(), 4500);
  const auto& info = report["heatmaps"]["heatmap:0"];
  EXPECT_NE(info["pooling"].get<std::string>().find("cells per pixel, max"), std::string::npos);
  EXPECT_EQ(info["texture"], info["grid"]);  // the pooled pixels are drawn
  const auto r = rect(report, "heatmap:0");
  ImGui::GetIO().MousePos = ImVec2((r[0] + r[2]) / 2, (r[1] + r[3]) / 2);
  test::HeadlessImGui::frames(ui, 3);
  const std::string hover = ui.report()["hover"].get<std::string>();
  EXPECT_NE(hover.find("rows "), std::string::npos) << hover;
  EXPECT_NE(hover.find("max w"), std::string::npos) << hover;
  EXPECT_NE(hover.find("mean"), std::string::npos) << hover;
}

// A vectors file too large for any path is refused when it loads, with its shape and the limit,
// in the message bar; the previous picture stays and nothing waits on a computation.
TEST_F(PanelsHeadless, OversizedFileGivesAMessageNotComputingForEver) {
  settle(5);
  const int shown = ui_.report()["results"]["queries"].get<int>();

  const attn::Index n = 140000;  // beyond every path: a 140000 x 140000 weight matrix
  const std::vector<float> x(static_cast<std::size_t>(n) * 2, 0.3f);  // rows do not sum to 1: vectors
  const std::string big = dir_.file("big.npy");
  attn::write_npy(big, x.data(), {n, 2});
  app_.open_dropped_files({big});
  frames(3);
  const nlohmann::json report = ui_.report();
  std::string message;
  for (const auto& m : report["messages"]) {
    if (m.get<std::string>().find("big.npy") != std::string::npos) message = m.get<std::string>();
  }
  ASSERT_FALSE(message.empty()) << "no message names the oversized file";
  EXPECT_NE(message.find("(140000, 2)"), std::string::npos) << message;  // its shape
  EXPECT_NE(message.find("at most"), std::string::npos) << message;      // the limit
  EXPECT_FALSE(app_.computing()) << "a computation started for a file that was refused";
  EXPECT_EQ(report["results"]["queries"].get<int>(), shown);  // the previous picture stays
}

}  // namespace
}  // namespace ax

namespace ax {
namespace {

TEST(FrameGuard, AnExceptionInAFrameIsShownAndTheLastGoodStateKept) {
  test::HeadlessImGui imgui;
  AppState state;
  state.attention.alpha = 0.5;
  Messages messages;
  ImGui::NewFrame();
  const bool ok = run_guarded_frame(state, messages, [&] {
    // A panel half-way through: a window open, a colour and an ID pushed, the state edited.
    ImGui::Begin("panel");
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0, 0, 1));
    ImGui::PushID("row");
    state.attention.alpha = 7.0;
    throw std::runtime_error("type_error: not a string");
  });
  EXPECT_FALSE(ok);
  // Every scope the panel left open was closed (only the implicit "Debug" window is on the
  // stack), so the frame can still end and render.
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  EXPECT_EQ(g.CurrentWindowStack.Size, 1);
  EXPECT_EQ(g.ColorStack.Size, 0);
  ImGui::Begin("next panel");
  ImGui::Text("still running");
  ImGui::End();
  ImGui::Render();
  EXPECT_NE(ImGui::GetDrawData(), nullptr);
  EXPECT_EQ(state.attention.alpha, 0.5);
  ASSERT_EQ(messages.entries().size(), 1u);
  EXPECT_TRUE(messages.entries()[0].error);
  EXPECT_NE(messages.entries()[0].text.find("type_error: not a string"), std::string::npos);
  // And the next frames run normally.
  ImGui::NewFrame();
  EXPECT_TRUE(run_guarded_frame(state, messages, [] {
    ImGui::Begin("panel");
    ImGui::End();
  }));
  ImGui::Render();
}

}  // namespace
}  // namespace ax

namespace ax {
namespace {

TEST(KeyEvents, APressAndReleaseInOneFrameReachImGuiInTwoFrames) {
  KeyEventQueue queue;
  constexpr int kCtrl = 341, kA = 65, kEnter = 257, kPress = 1, kRelease = 0, kRepeat = 2;
  // xdotool's Ctrl+A, then a quick Enter, all between two frames.
  for (const auto& [key, action] : std::vector<std::pair<int, int>>{{kCtrl, kPress},
                                                                    {kA, kPress},
                                                                    {kA, kRepeat},
                                                                    {kA, kRelease},
                                                                    {kCtrl, kRelease},
                                                                    {kEnter, kPress},
                                                                    {kEnter, kRelease}}) {
    queue.push({key, 0, action, 0, action != kRepeat});
  }
  auto keys_of = [](const std::vector<KeyEvent>& events) {
    std::vector<std::pair<int, int>> out;
    for (const auto& e : events) out.emplace_back(e.key, e.action);
    return out;
  };
  // Frame 1: Ctrl and A go down together (ImGui sees Ctrl+A); A's release waits.
  EXPECT_EQ(keys_of(queue.take_frame()),
            (std::vector<std::pair<int, int>>{{kCtrl, kPress}, {kA, kPress}, {kA, kRepeat}}));
  // Frame 2: both released, and Enter pressed.
  EXPECT_EQ(keys_of(queue.take_frame()),
            (std::vector<std::pair<int, int>>{{kA, kRelease}, {kCtrl, kRelease}, {kEnter, kPress}}));
  // Frame 3: Enter released: the press was seen for a whole frame.
  EXPECT_EQ(keys_of(queue.take_frame()), (std::vector<std::pair<int, int>>{{kEnter, kRelease}}));
  EXPECT_TRUE(queue.empty());
  EXPECT_TRUE(queue.take_frame().empty());
}

// Issue 15: a method's colour came from its slot, so exp was blue in one lesson step and green in
// the next. Named methods keep theirs in every set; others take a colour the set leaves free.
TEST(MethodColours, EachNamedMethodKeepsItsColourInEverySet) {
  const std::vector<std::string> a = {"exp", "relu"}, b = {"relu", "softplus", "exp"};
  const auto ca = widgets::method_colours(a), cb = widgets::method_colours(b);
  EXPECT_EQ(ca[0], cb[2]);  // exp
  EXPECT_EQ(ca[1], cb[0]);  // relu
  EXPECT_EQ(widgets::method_colours(std::vector<std::string>{"power:3"})[0],
            widgets::method_colours(std::vector<std::string>{"exp", "power:2"})[1]);
  const std::vector<std::string> mixed = {"custom:exp(2*z)", "exp", "sigmoid-attn", "relu", "custom:z*z"};
  const auto cm = widgets::method_colours(mixed);
  for (std::size_t i = 0; i < cm.size(); ++i) {
    for (std::size_t j = i + 1; j < cm.size(); ++j) EXPECT_NE(cm[i], cm[j]) << mixed[i] << " and " << mixed[j];
  }
  EXPECT_EQ(cm[1], ca[0]);
}

}  // namespace
}  // namespace ax
