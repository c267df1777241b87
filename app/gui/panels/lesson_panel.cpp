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
      ImGui::BeginGroup();
      ImGui::TextColored(colour, "%s", verdict(step.claims[k], r.holds));
      widgets::WrappedText(statement);
      ImGui::EndGroup();
      record_layout(ctx, "lesson_claim:" + std::to_string(k));
      ImGui::Indent();
      widgets::WrappedText(r.measured, ImGui::GetColorU32(ImGuiCol_TextDisabled));
      ImGui::Unindent();
    }
    ImGui::PopID();
  }
  if (ctx.app.lesson().evaluating()) ImGui::TextDisabled("updating...");
}

// The step's text, its claims once they may show (they are the answer to its question), and
// the errors of its view and its words, scrolling in `height`. Once the answer is out, what the
// engine measured (the answer's evidence, lesson 4's accuracies) comes first and the text, already
// read, follows: the measurements need no scrolling.
void draw_step_body(UiContext& ctx, const LessonStep& step, const TextSources& sources, float height,
                    bool show_claims) {
  ImGui::BeginChild("lesson body", ImVec2(0.0f, height));
  const bool measured_first = show_claims && !step.question.empty();
  if (measured_first) claims(ctx, step, sources);
  ImGui::BeginGroup();
  widgets::WrappedText(fill_placeholders(step.text, sources, -1));
  ImGui::EndGroup();
  record_layout(ctx, "lesson_text");
  if (show_claims && !measured_first) claims(ctx, step, sources);
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

// Presenting, the largest of a few type sizes (26 px down to 18 px) at which the step's titles, its
// text (once the answer is out: its first measurement), the question and the whole answer fit the
// panel without scrolling; the smallest when none does. A lecturer cannot scroll in front of a
// room. Sets it as the window's font scale; outside presentation mode the scale is 1.
void fit_font_scale(UiContext& ctx, const Lesson& lesson, const LessonStep& step, const TextSources& sources) {
  if (!ctx.state.view.presentation) {
    ImGui::SetWindowFontScale(1.0f);
    return;
  }
  const bool has_question = !step.question.empty(), revealed = ctx.state.lesson.revealed;
  std::string body = fill_placeholders(step.text, sources, -1);
  if (has_question && revealed && !step.claims.empty())
    body = "measured now by the engine:\nholds\n" + fill_placeholders(step.claims[0].statement, sources, 0);
  std::string rest = has_question ? "Question: " + fill_placeholders(step.question, sources, -1) + "\n" : "";
  if (has_question) rest += revealed ? "Answer: " + fill_placeholders(step.answer, sources, -1) : "(think, then press)";
  const float avail = ImGui::GetContentRegionAvail().y;
  for (const float scale : {1.0f, 0.9f, 0.8f, 0.7f}) {
    ImGui::SetWindowFontScale(scale);
    const float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float need = widgets::WrappedTextHeight(lesson.title + "\nstep\n" + step.title, wrap) +
                       widgets::WrappedTextHeight(body, wrap) + widgets::WrappedTextHeight(rest, wrap) +
                       ImGui::GetFrameHeightWithSpacing() * 3.0f + spacing * 8.0f;
    if (need <= avail) return;
  }
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
  const TextSources sources{step, ctx.app.state_json(), ctx.evaluation.get()};
  fit_font_scale(ctx, lesson, step, sources);
  widgets::WrappedText(lesson.title, ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::TextDisabled("step %d of %d", index + 1, count);
  heading(step.title.c_str());

  // The question, its answer and the buttons stay in view at the bottom of the panel; the text
  // and the measured claims scroll above them when the step says more than the panel holds.
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
  const bool show_keys = avail_height - fixed - height(answer) >= ImGui::GetTextLineHeightWithSpacing() * 4.0f;
  if (!show_keys) fixed -= height(keys);
  // The revealed answer is shown whole (a lecturer cannot scroll a box in front of the room): the
  // text above it gives way, down to two lines; the buttons never leave the panel.
  const float avail = ImGui::GetContentRegionAvail().y, lines = ImGui::GetTextLineHeightWithSpacing();
  const float answer_height = std::min(height(answer), std::max(avail - fixed - lines * 2.0f, lines * 2.0f));
  const float body = std::max(avail - fixed - answer_height, lines * 2.0f);
  draw_step_body(ctx, step, sources, body, !has_question || revealed);

  if (has_question) {
    ImGui::Spacing();
    widgets::WrappedText(question, IM_COL32(140, 204, 255, 255));
    record_layout(ctx, "lesson_question");
    if (revealed) {
      ImGui::BeginChild("answer", ImVec2(0.0f, answer_height));
      ImGui::BeginGroup();
      widgets::WrappedText(answer);
      ImGui::EndGroup();
      record_layout(ctx, "lesson_answer_text");
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
