// The controller's actions with no window (this binary links neither ImGui nor OpenGL): the key
// map's commands, the sweep of M on the controller's own clock, the animations, lessons listed
// once, saves and exports, the overviews and images it owns, and what it asks of the shell.
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "attn/io/npy.hpp"
#include "controller/app_controller.hpp"
#include "lessons/lesson_file.hpp"
#include "state/scenario_file.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

const std::string kLessons = AX_TEST_LESSONS_DIR;

AppState small_state() {
  AppState s;
  s.data.n = 48;
  s.data.d = 8;
  s.attention.methods = {"exp", "relu"};
  return s;
}

// A controller on a clock the test moves by hand.
struct ClockedController {
  double now = 0.0;
  AppController app;
  explicit ClockedController(AppState s) : app(std::move(s), [this] { return now; }) {}
  // `seconds` pass, then one frame.
  void frame(double seconds) {
    now += seconds;
    app.advance_frame();
    app.sync();
  }
};

TEST(KeyMap, EveryKeyMeansOneThingAndEveryCommandHasAKey) {
  std::set<std::pair<int, int>> keys;
  std::set<Command> commands;
  for (const KeyBinding& b : key_bindings()) {
    EXPECT_TRUE(keys.insert({b.key, b.modifiers}).second) << b.key_label << " is bound twice";
    commands.insert(b.command);
    EXPECT_NE(std::string(b.what), "");
  }
  EXPECT_EQ(commands.size(), static_cast<std::size_t>(Command::ModeSignedDifference) + 1);
  // What the shell dispatches: one command per key, none from letters typed into a field.
  EXPECT_EQ(commands_for_key(keys::kUp, kNoModifier, false), std::vector<Command>{Command::ShiftUp});
  EXPECT_TRUE(commands_for_key('S', kNoModifier, true).empty());
}

TEST(ShiftSweep, EasesFromStartToTargetAndStops) {
  ShiftSweep sweep;
  EXPECT_FALSE(sweep.active());
  sweep.start(0.0, 4.0, 2.0);
  EXPECT_TRUE(sweep.active());
  double last = 0.0;
  for (int k = 0; k < 19; ++k) {
    const double value = sweep.advance(0.1);
    EXPECT_GT(value, last);  // moves every step, never back
    EXPECT_LT(value, 4.0);
    last = value;
  }
  EXPECT_NEAR(sweep.advance(0.0), last, 1e-12);  // no time, no move
  EXPECT_EQ(sweep.advance(0.1), 4.0);            // exactly the target at the end
  EXPECT_FALSE(sweep.active());
  sweep.start(0.0, -2.0, 1.0);
  EXPECT_LT(sweep.advance(0.5), 0.0);
  EXPECT_EQ(sweep.advance(5.0), -2.0);
}

TEST(ControllerCommands, KeysMoveAndResetTheShiftAndSetTheMode) {
  AppController app(small_state());
  for (Command c : {Command::ShiftUp, Command::ShiftUp, Command::ShiftUpLarge, Command::ShiftDown}) app.command(c);
  EXPECT_DOUBLE_EQ(app.state().noise.shift, 1.25);
  for (int k = 0; k < 3; ++k) app.command(Command::ShiftDown);
  EXPECT_EQ(app.state().noise.shift, 0.5);  // whole steps stay whole: no 0.5000000000000001
  app.command(Command::ShiftDownLarge);
  EXPECT_EQ(app.state().noise.shift, -0.5);
  app.command(Command::ShiftReset);
  EXPECT_EQ(app.state().noise.shift, 0.0);
  app.state().view.modes = {HeatmapMode::Perturbed};  // a heatmap with a mode of its own
  app.command(Command::ModeAbsDifference);
  EXPECT_EQ(app.state().view.mode, HeatmapMode::AbsDifference);
  EXPECT_TRUE(app.state().view.modes.empty());  // the key sets every heatmap's mode
  app.command(Command::ModeClean);
  EXPECT_EQ(app.state().view.mode, HeatmapMode::Clean);
}

TEST(ControllerCommands, TheSweepRunsOnTheControllersClockAndAnEditOfMStops) {
  AppState s = small_state();
  s.view.sweep_to = 3.0;
  ClockedController c(s);
  c.app.command(Command::ShiftSweep);
  EXPECT_TRUE(c.app.sweeping());
  c.frame(0.0);  // no time passed: M has not moved
  EXPECT_EQ(c.app.state().noise.shift, 0.0);
  double last = 0.0;
  int frames = 0;
  while (c.app.sweeping() && ++frames < 50) {
    c.frame(0.5);  // kSweepSeconds = 4: eight frames
    EXPECT_GT(c.app.state().noise.shift, last);
    last = c.app.state().noise.shift;
  }
  EXPECT_EQ(frames, 8);
  EXPECT_EQ(c.app.state().noise.shift, 3.0);

  // S again stops it; so does an edit of M by other means (a slider).
  c.app.command(Command::ShiftSweep);
  c.frame(0.5);
  c.app.command(Command::ShiftSweep);
  EXPECT_FALSE(c.app.sweeping());
  c.app.command(Command::ShiftSweep);
  c.frame(0.5);
  c.app.state().noise.shift = 7.0;
  c.frame(0.5);
  EXPECT_FALSE(c.app.sweeping());
  EXPECT_EQ(c.app.state().noise.shift, 7.0);
}

TEST(ControllerCommands, PresentationHelpAndWhatTheShellMustDo) {
  AppController app(small_state());
  app.command(Command::Presentation);
  EXPECT_TRUE(app.state().view.presentation);
  app.command(Command::Presentation);
  EXPECT_FALSE(app.state().view.presentation);
  app.command(Command::Help);
  EXPECT_TRUE(app.key_help_shown());
  app.command(Command::Help);
  EXPECT_FALSE(app.key_help_shown());
  // Esc closes the help and never opens it (issue 15: it did nothing); typing, it is the field's.
  ASSERT_EQ(commands_for_key(keys::kEscape, kNoModifier, false), std::vector<Command>{Command::CloseHelp});
  EXPECT_TRUE(commands_for_key(keys::kEscape, kNoModifier, true).empty());
  app.command(Command::Help);
  for (const Command c : commands_for_key(keys::kEscape, kNoModifier, false)) app.command(c);
  EXPECT_FALSE(app.key_help_shown());
  for (const Command c : commands_for_key(keys::kEscape, kNoModifier, false)) app.command(c);
  EXPECT_FALSE(app.key_help_shown());
  EXPECT_FALSE(app.shell_requests().quit || app.shell_requests().toggle_fullscreen);
  app.command(Command::Quit);
  app.command(Command::FullScreen);
  EXPECT_TRUE(app.shell_requests().quit);
  EXPECT_TRUE(app.shell_requests().toggle_fullscreen);
  app.request_window_png("w.png");
  EXPECT_EQ(app.shell_requests().window_png, "w.png");
  EXPECT_EQ(app.shell_requests().window_png_wait, 2);  // the menu that asked closes first
}

TEST(ControllerCommands, LeftRightAndBracketsWalkTheHeadsAndLayersOfAModel) {
  test::TempDir dir("ax_controller_model_");
  // Any [layers, heads, n, d] array is a model: 2 layers x 3 heads of 6 vectors.
  std::vector<double> x(2 * 3 * 6 * 4);
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = std::sin(0.7 * static_cast<double>(k));
  attn::write_npy(dir.file("model.npy"), x.data(), {2, 3, 6, 4});
  AppState s;
  s.data.source = DataSource::File;
  s.data.vectors_path = dir.file("model.npy");
  AppController app(s);
  app.sync();
  ASSERT_TRUE(app.data() && app.data()->model)
      << (app.messages().entries().empty() ? "" : app.messages().entries()[0].text);
  app.command(Command::NextStep);
  EXPECT_EQ(app.state().data.head, 1);
  app.command(Command::PreviousStep);
  app.command(Command::PreviousStep);
  EXPECT_EQ(app.state().data.head, 2);  // wraps at the ends
  app.command(Command::NextLayer);
  EXPECT_EQ(app.state().data.layer, 1);
  app.command(Command::NextLayer);
  EXPECT_EQ(app.state().data.layer, 0);
  app.command(Command::PreviousLayer);
  app.sync();
  EXPECT_EQ(app.data()->layer, 1);
  EXPECT_EQ(app.data()->head, 2);

  // Its cells as pooled pictures, made once for the file (stepping heads computes none again).
  app.wait_for_results();
  const auto cells = app.model_grid_cells();
  ASSERT_TRUE(cells);
  EXPECT_EQ(cells->cells.size(), 6u);
  EXPECT_TRUE(cells->complete());
  app.command(Command::NextStep);
  app.wait_for_results();
  EXPECT_EQ(app.model_grid_cells(), cells);
}

TEST(ControllerLessons, KeysStepALessonBothWaysAndTheListIsReadOnce) {
  AppController app(small_state());
  LessonList& list = app.lessons();
  const auto& entries = list.entries();
  ASSERT_GE(entries.size(), 4u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(list.entries().size(), entries.size());  // as a menu open for frames
  EXPECT_EQ(list.reads(), 1);
  EXPECT_EQ(entries[0].title, load_lesson(entries[0].path).title);

  app.request_lesson(kLessons + "/1_why_softmax.json");
  EXPECT_FALSE(app.lesson_active());  // at the next sync
  app.sync();
  ASSERT_TRUE(app.lesson_active());
  app.lesson_go_to(2, false);  // step 3 asks a question
  ASSERT_TRUE(app.lesson_step_has_question());
  app.command(Command::NextStep);
  app.sync();
  EXPECT_TRUE(app.state().lesson.revealed);  // the answer first
  EXPECT_EQ(app.state().lesson.step, 2);
  app.command(Command::NextStep);
  app.sync();
  EXPECT_EQ(app.state().lesson.step, 3);
  app.command(Command::PreviousStep);
  app.sync();
  EXPECT_EQ(app.state().lesson.step, 2);
  EXPECT_EQ(app.current_step(), &app.lesson().lesson().steps[2]);
  app.lesson_restart();
  app.sync();
  EXPECT_EQ(app.state().lesson.step, 0);
  app.lesson_close();
  app.sync();
  EXPECT_FALSE(app.lesson_active());
  EXPECT_EQ(app.current_step(), nullptr);
}

TEST(ControllerLessons, PropagationPlaysOnFramesAndAnAnswerShowsTheStepsItsClaimCounts) {
  ClockedController c(small_state());
  c.app.open_lesson(kLessons + "/3_propagation.json");
  ASSERT_TRUE(c.app.lesson_active());
  // Step 5 asks about 20 steps of propagation and starts at 0.
  c.app.lesson_go_to(4, false);
  c.app.sync();
  EXPECT_EQ(c.app.state().lesson.propagation_steps, 0);
  c.app.lesson_next();  // reveals the answer
  c.app.sync();
  EXPECT_EQ(c.app.state().lesson.propagation_steps, 20);
  // Once per step: stepping back to 0 by hand stays at 0.
  c.app.state().lesson.propagation_steps = 0;
  c.app.sync();
  EXPECT_EQ(c.app.state().lesson.propagation_steps, 0);

  // Playing: a step every 12 frames.
  c.app.state().lesson.playing = true;
  for (int k = 0; k < 24; ++k) c.frame(1.0 / 60);
  EXPECT_EQ(c.app.state().lesson.propagation_steps, 2);
  c.app.state().lesson.playing = false;
  for (int k = 0; k < 24; ++k) c.frame(1.0 / 60);
  EXPECT_EQ(c.app.state().lesson.propagation_steps, 2);
}

TEST(ControllerFiles, ScenariosAreSavedAndOpenedThroughTheController) {
  test::TempDir dir("ax_controller_files_");
  AppController app(small_state());
  app.state().attention.alpha = 0.75;
  app.save_scenario(dir.file("s.json"));
  ASSERT_FALSE(app.messages().entries().back().error) << app.messages().entries().back().text;
  EXPECT_TRUE(load_scenario_file(dir.file("s.json")) == app.state());
  app.save_scenario(dir.file("no/such/folder/s.json"));
  EXPECT_TRUE(app.messages().entries().back().error);

  app.state().attention.alpha = 2.0;
  app.request_scenario(dir.file("s.json"));  // from a menu: opened at the next sync
  EXPECT_EQ(app.state().attention.alpha, 2.0);
  app.sync();
  EXPECT_EQ(app.state().attention.alpha, 0.75);
}

TEST(ControllerFiles, ExportsWriteTheSelectedHeatmapAsShown) {
  test::TempDir dir("ax_controller_exports_");
  AppState s = small_state();
  s.noise.shift = 1.0;
  s.view.mode = HeatmapMode::Perturbed;
  s.view.selected_method = 1;  // relu
  AppController app(s);
  app.export_matrix(dir.file("early.npy"));  // nothing computed yet: said, not a crash
  app.wait_for_results();
  app.export_matrix(dir.file("w.npy"));
  ASSERT_FALSE(app.messages().entries().back().error) << app.messages().entries().back().text;
  const attn::NdArray written = attn::read_npy(dir.file("w.npy"));
  const attn::MatF& shown = app.result()->methods[1].perturbed.matrix;
  ASSERT_EQ(written.shape, (std::vector<attn::Index>{shown.rows(), shown.cols()}));
  for (attn::Index i = 0; i < shown.rows(); ++i) {
    for (attn::Index j = 0; j < shown.cols(); ++j) {
      EXPECT_EQ(written.values[static_cast<std::size_t>(i * shown.cols() + j)], shown(i, j));
    }
  }
  PngExtras extras;
  extras.scale = 2;
  app.export_heatmap_png(dir.file("w.png"), extras);
  ASSERT_FALSE(app.messages().entries().back().error) << app.messages().entries().back().text;
  EXPECT_GT(std::filesystem::file_size(dir.file("w.png")), 100u);
  app.export_matrix(dir.file("w.txt"));  // an unknown extension
  EXPECT_TRUE(app.messages().entries().back().error);
}

TEST(ControllerPictures, AfterWaitForResultsTheNextOverviewRequestWaitsForItsPictures) {
  AppController app(small_state());
  app.wait_for_results();
  const auto result = app.result();
  ASSERT_TRUE(result);
  // 48 x 48 cells on 8 x 8 pixels: pooled.
  HeatmapPictures::OverviewAsk ask;
  ask.items = {{0, HeatmapMode::Clean}};
  ask.grid = ask.whole = view_grid(result->queries, result->keys, 1.0f, {0.0f, 0.0f}, 8, 8);
  ASSERT_TRUE(ask.grid.pooled());
  EXPECT_TRUE(app.pictures().request_overviews(result, ask));
  const auto overview = app.pictures().overviews().get(result->generation, ask.items[0]);
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->overview.pixel_rows, 8);
  EXPECT_FALSE(app.pictures().request_overviews(result, ask));  // only the first frame waits
  EXPECT_FALSE(app.pictures().request_overviews(result, std::nullopt));
}

TEST(ControllerState, TheStateAsJsonFollowsEveryEdit) {
  AppController app(small_state());
  const nlohmann::json& first = app.state_json();
  EXPECT_EQ(first, scenario_to_json(app.state()));
  app.state().noise.shift = 2.5;
  EXPECT_EQ(app.state_json(), scenario_to_json(app.state()));
  EXPECT_EQ(app.state_json()["noise"]["shift"], 2.5);
}

}  // namespace
}  // namespace ax
