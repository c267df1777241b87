#include "lessons/lesson_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "lessons/claims.hpp"
#include "state/json_file.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

using nlohmann::json;

constexpr attn::NameOf<StepView> kViews[] = {{StepView::Explorer, "explorer"},
                                             {StepView::Figure, "figure"},
                                             {StepView::Propagation, "propagation"},
                                             {StepView::Words, "words"},
                                             {StepView::Classification, "classification"}};

std::string text_of(const json& j, const char* key, const std::string& where, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) throw attn::InputError(where + ": missing '" + key + "'");
    return {};
  }
  if (it->is_string()) return it->get<std::string>();
  // Long texts may be written as a list of paragraphs.
  if (it->is_array()) {
    std::string text;
    for (const auto& line : *it) {
      if (!line.is_string()) throw attn::InputError(where + ": '" + key + "' must be text or a list of lines");
      if (!text.empty()) text += "\n\n";
      text += line.get<std::string>();
    }
    return text;
  }
  throw attn::InputError(where + ": '" + key + "' must be text or a list of lines");
}

void reject_unknown(const json& j, std::initializer_list<const char*> known, const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }) == known.end()) {
      throw attn::InputError(where + ": unknown key '" + attn::printable(it.key(), 80) + "'");
    }
  }
}

// The views read these options on the UI thread: a value of the wrong type must fail here, with
// the file and step, and not when the step is shown.
void check_view_option_types(const json& options, const std::string& where) {
  const auto require = [&](const char* key, bool (json::*is_type)() const noexcept, const char* type) {
    if (auto it = options.find(key); it != options.end() && !((*it).*is_type)()) {
      throw attn::InputError(where + ": '" + key + "' must be " + type);
    }
  };
  require("words", &json::is_string, "a file name (a string)");
  require("form", &json::is_string, "a string");
  require("radius", &json::is_number, "a number");
  require("data", &json::is_object, "an object");
}

}  // namespace

std::string_view step_view_name(StepView view) { return attn::name_of(kViews, view); }

namespace {

// Checks a claim's params against its kind's documentation; `state` is the step's state.
void check_claim_of_step(const ClaimKind& kind, const json& params, const AppState& state, const std::string& where) {
  try {
    reject_unknown_claim_params(kind, params);
  } catch (const attn::InputError& e) {
    throw attn::InputError(where + ": " + e.what());
  }
  const bool takes_method = std::any_of(kind.params.begin(), kind.params.end(),
                                        [](const ClaimParam& param) { return param.name == kMethodParam.name; });
  if (takes_method && !params.contains("method") && state.attention.methods.empty()) {
    throw attn::InputError(where + " ('" + std::string(kind.name) +
                           "') measures a method: it names none (params.method) and the step has none");
  }
}

// Claim `cj` of a step whose earlier claims are `others` and whose state is `state`.
Claim read_claim(const json& cj, const std::vector<Claim>& others, const AppState& state, const std::string& cw) {
  if (!cj.is_object()) throw attn::InputError(cw + ": must be an object");
  reject_unknown(cj, {"kind", "id", "check", "params", "statement"}, cw);
  Claim claim;
  claim.kind = text_of(cj, "kind", cw, true);
  claim.statement = text_of(cj, "statement", cw, true);
  claim.params = cj.value("params", json::object());
  if (!claim.params.is_object()) throw attn::InputError(cw + ": 'params' must be an object");
  const ClaimKind* kind = find_claim_kind(claim.kind);
  if (!kind) throw attn::InputError(cw + ": unknown kind '" + attn::printable(claim.kind, 80) + "'");
  check_claim_of_step(*kind, claim.params, state, cw);
  claim.id = text_of(cj, "id", cw, false);
  if (!valid_claim_id(claim.id)) throw attn::InputError(cw + ": 'id' must be letters, digits and '_' only");
  for (const Claim& other : others) {
    if (!claim.id.empty() && other.id == claim.id) throw attn::InputError(cw + ": id '" + claim.id + "' is used twice");
  }
  const std::string check = text_of(cj, "check", cw, false);
  if (check.empty()) {
    claim.identity = kind->identity;
  } else if (check == "identity" || check == "empirical") {
    claim.identity = check == "identity";
  } else {
    throw attn::InputError(cw + ": 'check' must be 'identity' or 'empirical' (got '" + attn::printable(check, 80) +
                           "')");
  }
  return claim;
}

StepView read_view(const json& s, const std::string& where) {
  const auto it = s.find("view");
  if (it == s.end()) return StepView::Explorer;
  const std::string names = attn::choices_of(kViews);
  if (!it->is_string()) throw attn::InputError(where + ": 'view' must be a string, one of " + names);
  if (const auto view = attn::value_of(kViews, it->get<std::string>())) return *view;
  throw attn::InputError(where + ": unknown view '" + attn::printable(it->get<std::string>(), 80) + "' (one of " +
                         names + ")");
}

LessonStep read_step(const json& s, const std::string& where) {
  if (!s.is_object()) throw attn::InputError(where + ": must be an object");
  reject_unknown(s, {"title", "text", "question", "answer", "view", "view_options", "scenario", "claims"}, where);
  LessonStep step;
  step.title = text_of(s, "title", where, true);
  step.text = text_of(s, "text", where, true);
  step.question = text_of(s, "question", where, false);
  step.answer = text_of(s, "answer", where, false);
  if (step.question.empty() != step.answer.empty()) {
    throw attn::InputError(where + ": a question needs an answer (and an answer a question)");
  }
  step.view = read_view(s, where);
  if (auto it = s.find("view_options"); it != s.end()) {
    if (!it->is_object()) throw attn::InputError(where + ": 'view_options' must be an object");
    check_view_option_types(*it, where + ": view_options");
    step.view_options = *it;
  }
  if (auto it = s.find("scenario"); it != s.end()) step.scenario = *it;
  // The scenario must be a valid partial state.
  const AppState state = scenario_from_json(step.scenario, AppState{}, where + ": scenario");
  if (auto it = s.find("claims"); it != s.end()) {
    if (!it->is_array()) throw attn::InputError(where + ": 'claims' must be a list");
    for (std::size_t c = 0; c < it->size(); ++c) {
      step.claims.push_back(read_claim((*it)[c], step.claims, state, where + ": claim " + std::to_string(c + 1)));
    }
  }
  return step;
}

Lesson read_lesson(const std::string& path) {
  const json j = read_json_file(path, "lesson file");
  if (!j.is_object()) throw attn::InputError(path + ": a lesson must be a JSON object");
  reject_unknown(j, {"title", "source", "steps"}, path);
  Lesson lesson;
  lesson.path = path;
  lesson.title = text_of(j, "title", path, true);
  lesson.source = text_of(j, "source", path, false);
  const auto steps = j.find("steps");
  if (steps == j.end() || !steps->is_array() || steps->empty()) {
    throw attn::InputError(path + ": 'steps' must be a non-empty list");
  }
  for (std::size_t k = 0; k < steps->size(); ++k) {
    lesson.steps.push_back(read_step((*steps)[k], path + ": step " + std::to_string(k + 1)));
  }
  return lesson;
}

}  // namespace

Lesson load_lesson(const std::string& path) {
  try {
    return read_lesson(path);
  } catch (const nlohmann::json::exception& e) {
    // A type the checks above missed: still a message that names the file.
    throw attn::InputError(path + ": " + json_error_text(e));
  }
}

std::vector<std::string> list_lessons(const std::string& directory) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

AppState step_state(const Lesson& lesson, int index, const AppState& current) {
  const int last = static_cast<int>(lesson.steps.size()) - 1;
  const int step = std::clamp(index, 0, last);
  AppState state = scenario_from_json(lesson.steps[static_cast<std::size_t>(step)].scenario, AppState{},
                                      lesson.path + ": step " + std::to_string(step + 1));
  state.lesson.path = lesson.path;
  state.lesson.step = step;
  state.lesson.revealed = false;
  state.view.presentation = current.view.presentation;
  return state;
}

}  // namespace ax
