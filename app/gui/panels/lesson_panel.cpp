// The lesson panel: where we are, what the step says, the question and its answer, and every
// claim of the step with the number the engine measured for the current settings.
#include "panels/lesson_panel.hpp"

#include <algorithm>
#include <string>

#include "imgui.h"
#include "lessons/claim_text.hpp"
#include "panels/demo_controls.hpp"
#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"
#include "widgets/wrapped_text.hpp"

namespace ax {
namespace {

void heading(const char* text) { widgets::WrappedText(text, IM_COL32(255, 217, 115, 255)); }

// Identity checks (true by construction, checked numerically) look different from empirical
// claims, so that an identity is never read as evidence.
const char* verdict(const Claim& claim, bool holds) {
  if (claim.identity) return holds ? "identity check: holds" : "identity check: FAILS";
  return holds ? "holds" : "does not hold";
}

void claims(UiContext& ctx, const LessonStep& step, const TextSources& sources) {
  if (step.claims.empty()) return;
  ImGui::Separator();
  widgets::WrappedText("measured now by the engine:", ImGui::GetColorU32(ImGuiCol_TextDisabled));
  const auto& evaluation = ctx.evaluation;
  for (std::size_t k = 0; k < step.claims.size(); ++k) {
    ImGui::PushID(static_cast<int>(k));
    const std::string statement = fill_placeholders(step.claims[k].statement, sources, static_cast<int>(k));
    if (!evaluation || k >= evaluation->claims.size()) {
      widgets::WrappedText("...  " + statement, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    } else {
      const ClaimResult& r = evaluation->claims[k];
      const ImU32 identity_colour = IM_COL32(150, 190, 255, 255);
      const ImVec4 colour = ImGui::ColorConvertU32ToFloat4(!r.holds                  ? widgets::kErrorColour
                                                           : step.claims[k].identity ? identity_colour
                                                                                     : widgets::kUnchangedColour);
      // The verdict on its own line: the statement then wraps over the panel's whole width
      // (beside a verdict it became a narrow column that broke words at 1024 x 768).
      ImGui::TextColored(colour, "%s", verdict(step.claims[k], r.holds));
      widgets::WrappedText(statement);
      ImGui::Indent();
      widgets::WrappedText(r.measured, ImGui::GetColorU32(ImGuiCol_TextDisabled));
      ImGui::Unindent();
    }
    ImGui::PopID();
  }
  if (ctx.app.lesson().evaluating()) ImGui::TextDisabled("updating...");
}

// The step's text, its claims once they may show (they are the answer to its question), and
// the errors of its view and its words, scrolling in `height`.
void draw_step_body(UiContext& ctx, const LessonStep& step, const TextSources& sources, float height,
                    bool show_claims) {
  ImGui::BeginChild("lesson body", ImVec2(0.0f, height));
  widgets::WrappedText(fill_placeholders(step.text, sources, -1));
  if (show_claims) claims(ctx, step, sources);
  if (ctx.evaluation && !ctx.evaluation->view_error.empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s", ctx.evaluation->view_error.c_str());
  }
  if (!ctx.app.lesson().words_error().empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(widgets::kErrorColour), "%s",
                       ctx.app.lesson().words_error().c_str());
  }
  ImGui::EndChild();
  record_layout(ctx, "lesson_body");
}

// Back, restart and `forward` (reveal the answer or go on; "(last step)" when neither can).
void draw_step_buttons(UiContext& ctx, const char* forward, bool can_go_forward, bool one_row) {
  if (ImGui::Button("< back")) ctx.app.lesson_previous();
  record_layout(ctx, "lesson_back");
  ImGui::SameLine();
  if (ImGui::Button("restart")) ctx.app.lesson_restart();
  if (one_row) ImGui::SameLine();
  if (can_go_forward) {
    if (ImGui::Button(forward)) ctx.app.lesson_next();
  } else {
    ImGui::TextDisabled("(last step)");
  }
  record_layout(ctx, "lesson_next");
}

}  // namespace

void draw_lessons_menu(UiContext& ctx) {
  if (!ImGui::BeginMenu("Lessons")) return;
  LessonList& lessons = ctx.app.lessons();
  if (lessons.entries().empty()) ImGui::TextDisabled("no lessons in %s", lessons.directory().c_str());
  for (const LessonList::Entry& lesson : lessons.entries()) {
    if (ImGui::MenuItem(lesson.title.c_str())) ctx.app.request_lesson(lesson.path);
  }
  ImGui::Separator();
  ImGui::MenuItem("Presentation mode", "P", &ctx.state.view.presentation);
  if (ctx.app.lesson_active() && ImGui::MenuItem("Close the lesson")) ctx.app.lesson_close();
  ImGui::EndMenu();
}

void draw_lesson_panel(UiContext& ctx) {
  const Lesson& lesson = ctx.app.lesson().lesson();
  const int count = ctx.app.lesson().step_count();
  const int index = std::clamp(ctx.state.lesson.step, 0, count - 1);
  const LessonStep& step = *ctx.app.current_step();
  widgets::WrappedText(lesson.title, ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::TextDisabled("step %d of %d", index + 1, count);
  heading(step.title.c_str());

  // The question, its answer and the buttons stay in view at the bottom of the panel; the text
  // and the measured claims scroll above them when the step says more than the panel holds.
  const TextSources sources{step, ctx.app.state_json(), ctx.evaluation.get()};
  const bool has_question = !step.question.empty();
  const bool revealed = ctx.state.lesson.revealed;
  const std::string question = has_question ? "Question: " + fill_placeholders(step.question, sources, -1) : "";
  const std::string answer = has_question && revealed ? "Answer: " + fill_placeholders(step.answer, sources, -1) : "";
  const char* hint = "(think, then press the right arrow to see the answer)";
  const char* keys = "Left/Right: step, Up/Down: move M, H: keys";
  const ImGuiStyle& style = ImGui::GetStyle();
  const float wrap = ImGui::GetContentRegionAvail().x;
  auto height = [&](const std::string& text) {
    return text.empty() ? 0.0f : widgets::WrappedTextHeight(text, wrap) + style.ItemSpacing.y;
  };
  // The buttons wrap to a second row in large type on a narrow panel.
  const bool reveal = has_question && !revealed;
  const char* forward = reveal ? "show the answer >" : index + 1 < count ? "next >" : "(last step)";
  auto button_width = [&](const char* label) { return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2.0f; };
  const bool one_row =
      button_width("< back") + button_width("restart") + button_width(forward) + style.ItemSpacing.x * 2.0f <= wrap;
  // An explorer step shows M's slider beside the buttons (the controls panel is not shown in a
  // lesson, nor while presenting), once the answer is out.
  const bool shift_slider = step.view == StepView::Explorer && !reveal;
  const float avail_height = ImGui::GetContentRegionAvail().y;
  float fixed = height(question) + (reveal ? height(hint) : 0.0f) + style.ItemSpacing.y * 3.0f + 2.0f +
                ImGui::GetFrameHeightWithSpacing() * ((one_row ? 1.0f : 2.0f) + (shift_slider ? 1.0f : 0.0f)) +
                height(keys) + ImGui::GetTextLineHeight();  // slack: a scrollbar narrows the text
  // Short of room (a long question in large type): the reminder of the keys goes first.
  const bool show_keys = avail_height - fixed >= ImGui::GetTextLineHeightWithSpacing() * 4.0f;
  if (!show_keys) fixed -= height(keys);
  // A long answer in large type shares the panel with the text: each gets at least a few lines
  // and scrolls within them; the buttons never leave the panel.
  const float avail = ImGui::GetContentRegionAvail().y, lines = ImGui::GetTextLineHeightWithSpacing();
  const float answer_height = std::min(height(answer), std::max(avail - fixed - lines * 4.0f, lines * 2.0f));
  const float body = std::max(avail - fixed - answer_height, lines * 2.0f);
  draw_step_body(ctx, step, sources, body, !has_question || revealed);

  if (has_question) {
    ImGui::Spacing();
    widgets::WrappedText(question, IM_COL32(140, 204, 255, 255));
    record_layout(ctx, "lesson_question");
    if (revealed) {
      ImGui::BeginChild("answer", ImVec2(0.0f, answer_height));
      widgets::WrappedText(answer);
      ImGui::EndChild();
      record_layout(ctx, "lesson_answer");
    } else {
      widgets::WrappedText(hint, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    }
  }
  ImGui::Separator();
  if (shift_slider) draw_shift_control(ctx);
  draw_step_buttons(ctx, forward, reveal || index + 1 < count, one_row);
  if (show_keys) widgets::WrappedText(keys, ImGui::GetColorU32(ImGuiCol_TextDisabled));
}

}  // namespace ax
