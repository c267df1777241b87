// Every lesson in assets/lessons: the file loads, every step's scenario applies, and every claim
// the step makes holds when the engine recomputes it for that step's settings.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "lessons/claims.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/lesson_session.hpp"
#include "model/loaded_data.hpp"

namespace ax {
namespace {

std::vector<std::string> lesson_files() { return list_lessons(AX_TEST_LESSONS_DIR); }

class EveryLesson : public ::testing::TestWithParam<std::string> {};

TEST(Lessons, TheFourLessonsAreThere) { EXPECT_GE(lesson_files().size(), 4u); }

TEST_P(EveryLesson, EveryClaimOfEveryStepHolds) {
  const Lesson lesson = load_lesson(GetParam());
  ASSERT_FALSE(lesson.steps.empty());
  LessonSession session;  // loads the steps' word sets the way the app does
  session.open(GetParam());
  int claims = 0;
  for (int k = 0; k < static_cast<int>(lesson.steps.size()); ++k) {
    const AppState state = step_state(lesson, k, AppState{});
    const auto data = load_data(state.data);
    const auto words = session.words_for_step(k);
    EXPECT_TRUE(session.words_error().empty()) << session.words_error();
    const StepEvaluation evaluation = evaluate_step(lesson.steps[static_cast<std::size_t>(k)], state, *data, words.get());
    EXPECT_TRUE(evaluation.view_error.empty()) << "step " << k + 1 << ": " << evaluation.view_error;
    ASSERT_EQ(evaluation.claims.size(), lesson.steps[static_cast<std::size_t>(k)].claims.size());
    for (std::size_t c = 0; c < evaluation.claims.size(); ++c) {
      ++claims;
      EXPECT_TRUE(evaluation.claims[c].holds)
          << lesson.title << ", step " << k + 1 << " '" << lesson.steps[static_cast<std::size_t>(k)].title << "': "
          << lesson.steps[static_cast<std::size_t>(k)].claims[c].statement << " -- measured: " << evaluation.claims[c].measured;
    }
  }
  EXPECT_GT(claims, 0);
}

INSTANTIATE_TEST_SUITE_P(Assets, EveryLesson, ::testing::ValuesIn(lesson_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = std::filesystem::path(param.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(Lessons, BadLessonFilesNameTheStepAndTheProblem) {
  const auto dir = std::filesystem::temp_directory_path() / "ax_bad_lessons";
  std::filesystem::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"title": "t", "steps": []})", "non-empty"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "view": "cinema"}]})", "step 1: unknown view"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "scenario": {"noise": {"shfit": 1}}}]})", "noise.shfit"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "magic", "statement": "s"}]}]})",
       "claim 1: unknown kind 'magic'"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "question": "q?"}]})", "needs an answer"},
      {R"({"title": "t", "steps": [{"text": "b"}]})", "step 1: missing 'title'"},
  };
  int k = 0;
  for (const auto& [text, expected] : cases) {
    const auto path = dir / ("bad" + std::to_string(k++) + ".json");
    std::ofstream(path) << text;
    try {
      (void)load_lesson(path.string());
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path.filename().string()), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ax
