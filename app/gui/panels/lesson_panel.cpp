// The lesson panel: where we are, what the step says, the question and its answer, and every
// claim of the step with the number the engine measured for the current settings.
#include <filesystem>

#include "imgui.h"
#include "lessons/claim_text.hpp"
#include "lessons/lesson_file.hpp"
#include "panels/panels.hpp"
#include "state/scenario_file.hpp"
#include "widgets/palette.hpp"

namespace ax {
namespace {

void heading(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.85f, 0.45f, 1.0f));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

// Identity checks (true by construction, checked numerically) look different from empirical
// claims, so that an identity is never read as evidence.
const char* verdict(const Claim& claim, bool holds) {
  if (claim.identity) return holds ? "identity check: holds" : "identity check: FAILS";
  return holds ? "holds" : "does not hold";
}

void claims(UiContext& ctx, const LessonStep& step, const TextSources& sources) {
  if (step.claims.empty()) return;
  ImGui::Separator();
  ImGui::TextDisabled("measured now by the engine:");
  const auto& evaluation = ctx.evaluation;
  for (std::size_t k = 0; k < step.claims.size(); ++k) {
    ImGui::PushID(static_cast<int>(k));
    const std::string statement = fill_placeholders(step.claims[k].statement, sources, static_cast<int>(k));
    if (!evaluation || k >= evaluation->claims.size()) {
      ImGui::TextDisabled("...  %s", statement.c_str());
    } else {
      const ClaimResult& r = evaluation->claims[k];
      const ImU32 identity_colour = IM_COL32(150, 190, 255, 255);
      const ImVec4 colour = ImGui::ColorConvertU32ToFloat4(!r.holds                 ? widgets::kErrorColour
                                                           : step.claims[k].identity ? identity_colour
                                                                                     : widgets::kUnchangedColour);
      ImGui::TextColored(colour, "%s", verdict(step.claims[k], r.holds));
      ImGui::SameLine();
      ImGui::TextWrapped("%s", statement.c_str());
      ImGui::Indent();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", r.measured.c_str());
      ImGui::PopStyleColor();
      ImGui::Unindent();
    }
    ImGui::PopID();
  }
  if (ctx.lesson.evaluating()) ImGui::TextDisabled("updating...");
}

}  // namespace

void draw_lessons_menu(UiContext& ctx) {
  if (!ImGui::BeginMenu("Lessons")) return;
  const std::string directory = (std::filesystem::path(assets_directory()) / "lessons").string();
  const auto files = list_lessons(directory);
  if (files.empty()) ImGui::TextDisabled("no lessons in %s", directory.c_str());
  for (const auto& file : files) {
    // The title is the first thing in each file; reading a few small files per open menu is cheap.
    std::string title = std::filesystem::path(file).stem().string();
    try {
      title = load_lesson(file).title;
    } catch (const std::exception&) {
      title += " (cannot be read)";
    }
    if (ImGui::MenuItem(title.c_str())) ctx.lesson_commands.open = file;
  }
  ImGui::Separator();
  ImGui::MenuItem("Presentation mode", "P", &ctx.state.view.presentation);
  if (ctx.lesson.active() && ImGui::MenuItem("Close the lesson")) ctx.lesson_commands.close = true;
  ImGui::EndMenu();
}

void draw_lesson_panel(UiContext& ctx) {
  const Lesson& lesson = ctx.lesson.lesson();
  const int count = ctx.lesson.step_count();
  const int index = std::clamp(ctx.state.lesson.step, 0, count - 1);
  const LessonStep& step = lesson.steps[static_cast<std::size_t>(index)];
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", lesson.title.c_str());
  ImGui::PopStyleColor();
  ImGui::TextDisabled("step %d of %d", index + 1, count);
  heading(step.title.c_str());
  ImGui::Spacing();
  const nlohmann::json state = scenario_to_json(ctx.state);
  const TextSources sources{step, state, ctx.evaluation.get()};
  ImGui::TextWrapped("%s", fill_placeholders(step.text, sources, -1).c_str());
  if (!step.question.empty()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.8f, 1.0f, 1.0f));
    ImGui::TextWrapped("Question: %s", fill_placeholders(step.question, sources, -1).c_str());
    ImGui::PopStyleColor();
    if (ctx.state.lesson.revealed) {
      ImGui::TextWrapped("Answer: %s", fill_placeholders(step.answer, sources, -1).c_str());
    } else {
      ImGui::TextDisabled("(think, then press the right arrow to see the answer)");
    }
  }
  // The claims are the answer: they stay hidden until it is revealed.
  if (step.question.empty() || ctx.state.lesson.revealed) claims(ctx, step, sources);
  if (ctx.evaluation && !ctx.evaluation->view_error.empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s", ctx.evaluation->view_error.c_str());
  }
  if (!ctx.lesson.words_error().empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s", ctx.lesson.words_error().c_str());
  }
  ImGui::Separator();
  if (ImGui::Button("< back")) ctx.lesson_commands.previous = true;
  ImGui::SameLine();
  if (ImGui::Button("restart")) ctx.lesson_commands.restart = true;
  ImGui::SameLine();
  const bool reveal = !step.question.empty() && !ctx.state.lesson.revealed;
  if (reveal) {
    if (ImGui::Button("show the answer >")) ctx.lesson_commands.next = true;
  } else if (index + 1 < count) {
    if (ImGui::Button("next >")) ctx.lesson_commands.next = true;
  } else {
    ImGui::TextDisabled("(last step)");
  }
  record_layout(ctx, "lesson_next");
  ImGui::TextDisabled("arrow keys step, F full screen, P presentation");
}

}  // namespace ax
