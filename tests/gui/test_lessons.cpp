// Every lesson in assets/lessons: the file loads, every step's scenario applies, and every claim
// the step makes holds when the engine recomputes it for that step's settings.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "compute/loaded_data.hpp"
#include "lessons/claim_docs.hpp"
#include "lessons/claim_text.hpp"
#include "lessons/claims.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/lesson_session.hpp"
#include "state/scenario_file.hpp"
#include "temp_dir.hpp"

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
    const StepEvaluation evaluation =
        evaluate_step(lesson.steps[static_cast<std::size_t>(k)], state, *data, words.get());
    EXPECT_TRUE(evaluation.view_error.empty()) << "step " << k + 1 << ": " << evaluation.view_error;
    ASSERT_EQ(evaluation.claims.size(), lesson.steps[static_cast<std::size_t>(k)].claims.size());
    // Every number a step shows comes from the measurement: statements type none, and every
    // placeholder of the statements, the text, the question and the answer resolves.
    const LessonStep& step = lesson.steps[static_cast<std::size_t>(k)];
    const nlohmann::json state_json = scenario_to_json(state);
    const TextSources sources{step, state_json, &evaluation};
    std::vector<std::string> unresolved;
    for (const std::string* text : {&step.text, &step.question, &step.answer})
      (void)fill_placeholders(*text, sources, -1, &unresolved);
    for (std::size_t c = 0; c < step.claims.size(); ++c) {
      (void)fill_placeholders(step.claims[c].statement, sources, static_cast<int>(c), &unresolved);
      EXPECT_TRUE(typed_numbers(step.claims[c].statement).empty())
          << "step " << k + 1 << ": typed number '" << typed_numbers(step.claims[c].statement).front()
          << "' in: " << step.claims[c].statement;
    }
    for (const auto& name : unresolved)
      ADD_FAILURE() << "step " << k + 1 << ": placeholder {" << name << "} does not resolve";
    for (std::size_t c = 0; c < evaluation.claims.size(); ++c) {
      // AX_PRINT_CLAIMS=1 prints every claim as the panel shows it, for reading a lesson's numbers.
      if (std::getenv("AX_PRINT_CLAIMS")) {
        std::printf("%s step %d: [%s] %s\n    %s\n", std::filesystem::path(GetParam()).stem().c_str(), k + 1,
                    evaluation.claims[c].holds ? "holds" : "DOES NOT HOLD",
                    fill_placeholders(step.claims[c].statement, sources, static_cast<int>(c)).c_str(),
                    evaluation.claims[c].measured.c_str());
      }
      ++claims;
      for (const auto& [key, value] : evaluation.claims[c].values) {
        EXPECT_TRUE(documents_value(*find_claim_kind(step.claims[c].kind), key))
            << "step " << k + 1 << ": the value '" << key << "' of '" << step.claims[c].kind << "' is not documented";
      }
      EXPECT_TRUE(evaluation.claims[c].holds)
          << lesson.title << ", step " << k + 1 << " '" << lesson.steps[static_cast<std::size_t>(k)].title
          << "': " << lesson.steps[static_cast<std::size_t>(k)].claims[c].statement
          << " -- measured: " << evaluation.claims[c].measured;
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

// The lesson text machinery on a made-up step.
TEST(LessonText, PlaceholdersQuoteValuesParamsStateAndOtherClaims) {
  LessonStep step;
  Claim first;
  first.kind = "deviation";
  first.id = "shift";
  first.params = {{"at_most", 1e-12}, {"methods", {"exp", "relu"}}};
  step.claims = {first, Claim{}};
  StepEvaluation evaluation;
  evaluation.claims.resize(2);
  evaluation.claims[0].values = {{"max_dw", 2.2e-16}, {"rows", 24}, {"max_dw.exp-plus:1", 0.5}};
  evaluation.claims[1].values = {{"gain", -0.2449}, {"word", "great"}};
  AppState state;
  state.noise.global_rms = 0.5;
  const nlohmann::json state_json = scenario_to_json(state);
  const TextSources sources{step, state_json, &evaluation};
  EXPECT_EQ(fill_placeholders("{max_dw} in {rows} rows (claim <= {param.at_most}) for {param.methods}", sources, 0),
            "2.2e-16 in 24 rows (claim <= 1e-12) for exp, relu");
  EXPECT_EQ(fill_placeholders("{max_dw.exp-plus:1|%} {param.methods.last} {param.methods.0}", sources, 0),
            "50% relu exp");
  EXPECT_EQ(fill_placeholders("{gain|.1f} points, '{word}'", sources, 1), "-0.2 points, 'great'");
  EXPECT_EQ(fill_placeholders("s_g = {state.noise.global_rms}; {shift.max_dw|.1e}, {shift.param.at_most}; {{set}}",
                              sources, -1),
            "s_g = 0.5; 2.2e-16, 1e-12; {set}");
  std::vector<std::string> unresolved;
  EXPECT_EQ(fill_placeholders("{nothing} {max_dw} {state.noise.nope} {gain|.2q}", sources, -1, &unresolved),
            "{?nothing} {?max_dw} {?state.noise.nope} {?gain|.2q}");
  EXPECT_EQ(unresolved.size(), 4u);
  // Before the first evaluation a measured value is pending, not wrong.
  const TextSources before{step, state_json, nullptr};
  unresolved.clear();
  EXPECT_EQ(fill_placeholders("{max_dw} {shift.max_dw} {param.at_most}", before, 0, &unresolved), "... ... 1e-12");
  EXPECT_TRUE(unresolved.empty());
  EXPECT_EQ(format_value(nlohmann::json(NAN)), "undefined");
  EXPECT_EQ(format_value(nlohmann::json(1000)), "1000");
  EXPECT_EQ(format_value(nlohmann::json(0.07213)), "0.0721");
}

TEST(LessonText, TypedNumbersAreFoundAndNamesWithDigitsAreNot) {
  EXPECT_EQ(typed_numbers("max |dW| <= 1e-12, within 5% of 4.0 (-3 points)"),
            (std::vector<std::string>{"1e-12", "5", "4.0", "3"}));
  EXPECT_TRUE(
      typed_numbers("power:2, exp-plus:1, entmax15, x_1, d^2, 2-D points, 1/n, g'(0), F(1), {max_dw|.2e} at {param.n}")
          .empty());
}

TEST(Lessons, ClaimIdsAndChecksAreValidated) {
  const test::TempDir temp("ax_claim_ids_");
  const auto& dir = temp.path();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "deviation", "id": "a b", "statement": "s"}]}]})",
       "'id' must be"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "deviation", "id": "x", "statement": "s"}, {"kind": "deviation", "id": "x", "statement": "s"}]}]})",
       "used twice"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "deviation", "check": "proof", "statement": "s"}]}]})",
       "'check' must be"},
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
    }
  }
  const auto good = dir / "good.json";
  std::ofstream(good) << R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [
      {"kind": "deviation", "check": "identity", "statement": "s"}, {"kind": "max_entropy", "statement": "s"},
      {"kind": "max_entropy", "check": "empirical", "statement": "s"}, {"kind": "deviation", "statement": "s"}]}]})";
  const Lesson lesson = load_lesson(good.string());
  const auto& c = lesson.steps[0].claims;
  EXPECT_TRUE(c[0].identity);
  EXPECT_TRUE(c[1].identity);  // the kind's default
  EXPECT_FALSE(c[2].identity);
  EXPECT_FALSE(c[3].identity);
}

// A claim's params are checked against its kind's documentation when the lesson loads.
TEST(Lessons, ClaimParamsAreCheckedAgainstTheirKind) {
  const test::TempDir temp("ax_claim_params_");
  const auto& dir = temp.path();
  const std::vector<std::pair<std::string, std::string>> cases = {
      // A typo in a bound was once ignored: the claim then checked nothing.
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "score_shift", "params": {"pair_eror_at_most": 0.01}, "statement": "s"}]}]})",
       "step 1: claim 1: 'pair_eror_at_most' is not a parameter of the kind 'score_shift' (its parameters: draws, "
       "seed, relative_error_at_most, pair_error_at_most)"},
      {R"({"title": "t", "steps": [{"title": "a", "text": "b", "claims": [{"kind": "score_shift", "params": {"method": "exp"}, "statement": "s"}]}]})",
       "step 1: claim 1: 'method' is not a parameter of the kind 'score_shift'"},
      // No method anywhere: an error at load, not a quiet exp.
      {R"({"title": "t", "steps": [{"title": "a", "text": "b"}, {"title": "c", "text": "d", "scenario": {"attention": {"methods": []}}, "claims": [{"kind": "survivors_extreme", "statement": "s"}]}]})",
       "step 2: claim 1 ('survivors_extreme') measures a method: it names none (params.method) and the step has none"},
  };
  int k = 0;
  for (const auto& [text, expected] : cases) {
    const auto path = dir / ("bad" + std::to_string(k++) + ".json");
    std::ofstream(path) << text;
    try {
      (void)load_lesson(path.string());
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(path.string() + ": " + expected), std::string::npos) << e.what();
    }
  }
  // The same claims load when they are right: the method named, any key of sentiment's sentences.
  const auto good = dir / "good.json";
  std::ofstream(good)
      << R"({"title": "t", "steps": [{"title": "a", "text": "b", "scenario": {"attention": {"methods": []}}, "claims": [
      {"kind": "survivors_extreme", "params": {"method": "exp", "steps": 3}, "statement": "s"},
      {"kind": "score_shift", "params": {"pair_error_at_most": 0.01}, "statement": "s"},
      {"kind": "sentiment", "params": {"form": "sum", "any sentence": "above", "method": "exp"}, "statement": "s"}]}]})";
  EXPECT_EQ(load_lesson(good.string()).steps.at(0).claims.size(), 3u);
}

TEST(Lessons, BadLessonFilesNameTheStepAndTheProblem) {
  const test::TempDir temp("ax_bad_lessons_");
  const auto& dir = temp.path();
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
}

}  // namespace
}  // namespace ax
