// The lessons against the second scientific review (issue 15, SCIENCE.md "Found in the second
// review"): every wrong, overclaimed or imprecise sentence it found, each as a finding that names
// the step and what its text may or may not say, and the rules behind them (one word for alpha,
// no answer on screen before its question is revealed).
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lessons/lesson_file.hpp"

namespace ax {
namespace {

std::string lesson_path(const std::string& stem) {
  return (std::filesystem::path(AX_TEST_LESSONS_DIR) / (stem + ".json")).string();
}

std::vector<Lesson> every_lesson() {
  std::vector<Lesson> out;
  for (const auto& file : list_lessons(AX_TEST_LESSONS_DIR)) out.push_back(load_lesson(file));
  return out;
}

// Everything a step shows, for the rules that hold for every sentence.
std::vector<std::string> every_sentence(const LessonStep& step) {
  std::vector<std::string> out = {step.title, step.text, step.question, step.answer};
  for (const auto& claim : step.claims) out.push_back(claim.statement);
  return out;
}

// What is on screen before the answer is revealed: the title, the text and the question.
std::string before_reveal(const LessonStep& step) { return step.title + "\n" + step.text + "\n" + step.question; }

TEST(LessonReview, AlphaIsCalledTheInverseTemperatureEverywhere) {
  const std::regex temperature(R"((\w+)?\s*temperature)", std::regex::icase);
  for (const Lesson& lesson : every_lesson()) {
    for (std::size_t k = 0; k < lesson.steps.size(); ++k) {
      for (const std::string& sentence : every_sentence(lesson.steps[k])) {
        for (auto it = std::sregex_iterator(sentence.begin(), sentence.end(), temperature);
             it != std::sregex_iterator(); ++it) {
          std::string before = (*it)[1].str();
          for (char& c : before) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          EXPECT_EQ(before, "inverse") << lesson.title << ", step " << k + 1 << ": '" << it->str()
                                       << "' (alpha multiplies the scores: it is the inverse temperature) in: "
                                       << sentence;
        }
      }
    }
  }
}

// A step that asks a question shows no measured value before the answer: its title and text may
// quote the state ({state.PATH}) and a claim's parameters ({ID.param.PATH}), never what a claim
// measured ({ID.NAME}), which is the answer.
TEST(LessonReview, NoMeasuredValueIsQuotedBeforeTheQuestionIsRevealed) {
  const std::regex placeholder(R"(\{([^{}|]+)(\|[^{}]*)?\})");
  for (const Lesson& lesson : every_lesson()) {
    for (std::size_t k = 0; k < lesson.steps.size(); ++k) {
      const LessonStep& step = lesson.steps[k];
      if (step.question.empty()) continue;
      const std::string shown = before_reveal(step);
      for (auto it = std::sregex_iterator(shown.begin(), shown.end(), placeholder); it != std::sregex_iterator();
           ++it) {
        const std::string name = (*it)[1].str();
        const bool state = name.rfind("state.", 0) == 0;
        const bool param = name.find(".param.") != std::string::npos;
        EXPECT_TRUE(state || param) << lesson.title << ", step " << k + 1 << " quotes the measured {" << name
                                    << "} before its question is answered";
      }
    }
  }
}

// One finding of the review: in a step's `where` (title, text, question, answer, before_reveal,
// or statement N), what must no longer be said and what must be said instead.
struct Finding {
  const char* lesson;
  int step;  // 1-based, as the lesson shows it
  const char* where;
  std::vector<const char*> must_not_say, must_say;
  const char* why;
};

std::string part_of(const LessonStep& step, const std::string& where) {
  if (where == "title") return step.title;
  if (where == "text") return step.text;
  if (where == "question") return step.question;
  if (where == "answer") return step.answer;
  if (where == "before_reveal") return before_reveal(step);
  if (where.rfind("statement ", 0) == 0) {
    const std::size_t k = std::stoul(where.substr(10)) - 1;
    return k < step.claims.size() ? step.claims[k].statement : "(no such claim)";
  }
  return "(unknown part " + where + ")";
}

const std::vector<Finding>& findings() {
  static const std::vector<Finding> table = {
      // Lesson 1
      {"1_why_softmax", 3, "answer", {"same temperature"}, {}, "alpha is the inverse temperature"},
      {"1_why_softmax", 6, "text", {}, {"M + s_l^2 d"}, "the diagonal of self-attention shifts by M + s_l^2 d"},
      {"1_why_softmax",
       7,
       "answer",
       {"about 1e-16", "more as M grows"},
       {"{e.max_dw}", "{o.min_dw}"},
       "numbers come from the measurement; the answer says no more than its claims test"},
      {"1_why_softmax",
       8,
       "answer",
       {"climbs", "softplus too"},
       {},
       "softplus's ratio falls over a; it does not climb"},
      {"1_why_softmax",
       8,
       "answer",
       {},
       {"{ep.direction}", "{sp.direction}", "{sg.direction}"},
       "a direction the answer states comes from the measurement"},
      {"1_why_softmax",
       4,
       "answer",
       {"stays near {conc.logit_last}"},
       {"{conc.logit_min}", "at every d"},
       "'stays' is tested at every d, not only at the last"},
      {"1_why_softmax", 10, "before_reveal", {"g_prime_0"}, {}, "the measured g'(0) answered the question"},
      {"1_why_softmax", 10, "statement 2", {"its g'(0)"}, {"F'(0) / F(0)"}, "1 + e^s has no g(M), so no g'(0)"},
      {"1_why_softmax", 12, "text", {"(the temperature"}, {"inverse temperature"}, "alpha is the inverse temperature"},
      {"1_why_softmax",
       13,
       "before_reveal",
       {"homogeneous", "cancels", "noise model decides"},
       {},
       "the text answered which heatmaps change"},
      {"1_why_softmax",
       15,
       "before_reveal",
       {"Nothing in the ratio", "can remove"},
       {},
       "the text answered whether exp changes"},
      {"1_why_softmax",
       17,
       "before_reveal",
       {"survive", "cancel", "immune"},
       {},
       "the text answered whether exp stays put"},
      {"1_why_softmax", 19, "text", {}, {"changes the clean weights too"}, "centring changes the clean weights too"},
      {"1_why_softmax",
       21,
       "text",
       {"1.5-entmax is not a projection (it maximises"},
       {"Both maximise", "Tsallis"},
       "sparsemax is Tsallis-regularised too (index 2)"},
      {"1_why_softmax",
       23,
       "text",
       {"near 500"},
       {"nearly tie"},
       "the float32 error comes from a near tie, not from the largest scores"},
      {"1_why_softmax", 24, "title", {"1/n"}, {}, "the largest weight stays far above 1/n"},
      // Lesson 2
      {"2_words",
       1,
       "question",
       {"tell them apart"},
       {"positive", "negative"},
       "the two sums are different vectors; the question is whether they read differently"},
      {"2_words",
       3,
       "text",
       {"share is multiplied by its own weight"},
       {"u . x_i", "u . f"},
       "a word's gradient share depends on u . x_i - u . f as well as on its weight"},
      {"2_words",
       5,
       "text",
       {"One theta attends along one direction only"},
       {"Ylipaa:"},
       "step 2 solved both sentences with one theta; quote the seed instead"},
      // Lesson 3
      {"3_propagation", 2, "title", {"climbs"}, {}, "the title answered the question"},
      {"3_propagation",
       2,
       "before_reveal",
       {"grad log p", "mean-shift", "Ruan & Zhang split"},
       {"own reading"},
       "the seed states a continuous limit, not a per-step split; the text answered the question"},
      {"3_propagation", 3, "text", {"Ruan & Zhang show"}, {"own"}, "the per-step reading is the lesson's"},
      {"3_propagation",
       4,
       "text",
       {"largest-norm point in its direction"},
       {"furthest along"},
       "dot scores pull towards the point furthest along x_i"},
      {"3_propagation",
       5,
       "before_reveal",
       {"attends broadly", "pulls all points"},
       {},
       "the text answered the question"},
      {"3_propagation",
       6,
       "text",
       {"not on the extreme points"},
       {"isolated"},
       "5 of the 10 counted clusters were isolated extreme points"},
      {"3_propagation",
       7,
       "text",
       {"watch the arrows turn"},
       {"other point it attends to most", "own reading"},
       "the arrows show the most-attended other point; the formula is the lesson's reading"},
      {"3_propagation", 8, "text", {}, {"own example"}, "singular A = pseudo-metric is the lesson's reading"},
      {"3_propagation", 10, "title", {"Temperature and"}, {"Inverse temperature"}, "alpha is the inverse temperature"},
      {"3_propagation",
       11,
       "text",
       {"result needs bounded inputs"},
       {"Wasserstein"},
       "Vuckovic et al.'s Lipschitz result is in a Wasserstein metric"},
      // Lesson 4
      {"4_classification",
       4,
       "text",
       {},
       {"In these three settings", "counter-example"},
       "three settings are not a general law"},
  };
  return table;
}

class ReviewFinding : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ReviewFinding, IsFixed) {
  const Finding& f = findings()[GetParam()];
  const Lesson lesson = load_lesson(lesson_path(f.lesson));
  ASSERT_LE(static_cast<std::size_t>(f.step), lesson.steps.size()) << f.lesson;
  const std::string part = part_of(lesson.steps[static_cast<std::size_t>(f.step - 1)], f.where);
  for (const char* phrase : f.must_not_say) {
    EXPECT_EQ(part.find(phrase), std::string::npos)
        << f.lesson << " step " << f.step << " (" << f.where << ") still says '" << phrase << "': " << f.why;
  }
  for (const char* phrase : f.must_say) {
    EXPECT_NE(part.find(phrase), std::string::npos)
        << f.lesson << " step " << f.step << " (" << f.where << ") does not say '" << phrase << "': " << f.why;
  }
}

INSTANTIATE_TEST_SUITE_P(SecondReview, ReviewFinding, ::testing::Range<std::size_t>(0, findings().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           const Finding& f = findings()[param.param];
                           std::string name = "L";
                           name += f.lesson[0];
                           name += "_step" + std::to_string(f.step) + "_" + std::to_string(param.param);
                           return name;
                         });

}  // namespace
}  // namespace ax
