// Placeholders in lesson texts: a statement's numbers come from the measurement, never from the
// keyboard. In a claim's statement, {NAME} is a value the claim measured, {param.PATH} one of its
// parameters; anywhere in a step, {state.PATH} is the step's app state (as scenario JSON) and
// {ID.NAME} / {ID.param.PATH} quote the claim with "id": ID. PATH is dot-separated keys; a number
// indexes a list and first / last pick its ends. A format may follow '|': .2f, .1e, .3g, or %
// (x100 with a % sign). Syntax for lesson writers: README (Lessons); each kind's values: docs/claim_kinds.md.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lessons/claims.hpp"
#include "lessons/lesson_file.hpp"

namespace ax {

// What placeholders are filled from. `evaluation` may be null (before the first one): the values
// then show as "...".
struct TextSources {
  const LessonStep& step;
  const nlohmann::json& state;  // scenario_to_json of the live state
  const StepEvaluation* evaluation = nullptr;
};

// `claim`: the index of the claim whose statement this is (its own values and params), or -1 for
// the step's text, question and answer. Names that cannot be resolved show as {?NAME} and are
// appended to `unresolved` when given.
std::string fill_placeholders(const std::string& text, const TextSources& sources, int claim,
                              std::vector<std::string>* unresolved = nullptr);

// A value as lesson text shows it: whole numbers as integers, others with 3 significant digits,
// lists joined with ", ", non-finite numbers as "undefined" / "inf". `format` as above.
std::string format_value(const nlohmann::json& value, const std::string& format = {});

// Typed numbers in a statement (outside placeholders), e.g. "1e-12" in "max |dW| <= 1e-12".
// Digits glued to a name (power:2, entmax15, x_1, d^2, 2-D, 1/n) are not numbers.
std::vector<std::string> typed_numbers(const std::string& statement);

}  // namespace ax
