// Lessons: files in assets/lessons/, each a list of steps. A step is a scenario (the app's state,
// partial, over the defaults), a short text, an optional question answered on the next key
// press, a view, and the claims it makes. Teachers write new lessons without compiling.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/app_state.hpp"
#include "state/assets.hpp"

namespace ax {

// A statement the step makes, recomputed live by the engine (and by the lesson tests).
struct Claim {
  std::string kind;       // what is measured: docs/claim_kinds.md lists the kinds
  std::string id;         // optional: lets the step's text quote the claim's values ({id.name})
  nlohmann::json params;  // the kind's parameters
  // The sentence shown, with placeholders for its numbers ({max_dw}, {param.at_most}; see
  // claim_text.hpp): numbers are never typed into a statement.
  std::string statement;
  // True when the claim holds by construction (an identity of the algebra, checked numerically):
  // shown as an identity check, never as evidence.
  bool identity = false;
};

enum class StepView {
  Explorer,        // the heatmaps, with the invariance and F(z) charts
  Figure,          // line plots of a sweep computed for the step
  Propagation,     // 2-D points moved by attention, with arrows x_i -> y_i
  Words,           // a sentence as a set of word vectors, pooled by fixed attention
  Classification,  // two classes before and after one smoothing step
};

struct LessonStep {
  std::string title;
  std::string text;
  std::string question;  // optional: asked first; the answer shows on the next key press
  std::string answer;
  StepView view = StepView::Explorer;
  nlohmann::json view_options = nlohmann::json::object();  // parameters of the view
  nlohmann::json scenario = nlohmann::json::object();      // partial AppState
  std::vector<Claim> claims;
};

struct Lesson {
  std::string path;
  std::string title;
  std::string source;  // the work it follows
  std::vector<LessonStep> steps;
};

// Reads and validates a lesson (every step's scenario must load; claims must be of known kinds).
// Throws attn::InputError naming the file, the step and the problem.
Lesson load_lesson(const std::string& path);

// The lessons in a directory, sorted by file name.
std::vector<std::string> list_lessons(const std::string& directory);

// The app state of step `index`: the defaults, the step's scenario, and the lesson position.
AppState step_state(const Lesson& lesson, int index, const AppState& current);

std::string_view step_view_name(StepView view);

}  // namespace ax
