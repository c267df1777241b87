#include "panels/message_bar.hpp"

#include <string>

#include "imgui.h"

namespace ax {

namespace {

// Notices fade; errors stay until dismissed.
void fade_notices(std::vector<Messages::Entry>& entries) {
  for (std::size_t k = 0; k < entries.size();) {
    auto& e = entries[k];
    if (e.frames_left > 0 && --e.frames_left == 0) {
      entries.erase(entries.begin() + static_cast<long>(k));
    } else {
      ++k;
    }
  }
}

// One message with its dismiss button; returns whether it was dismissed.
bool message_line(const Messages::Entry& e, std::size_t index) {
  ImGui::PushID(static_cast<int>(index));
  const ImVec4 colour = e.error ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImVec4(0.6f, 0.85f, 0.6f, 1.0f);
  const bool dismiss = ImGui::SmallButton("x");
  ImGui::SameLine();
  ImGui::TextColored(colour, "%s %s", e.error ? "error:" : "", e.text.c_str());
  ImGui::PopID();
  return dismiss;
}

}  // namespace

int message_bar_lines(const UiContext& ctx) {
  const std::size_t count = ctx.app.messages().entries().size();
  return count == 0 ? 0 : ctx.scratch.messages_expanded ? static_cast<int>(count) : 1;
}

void draw_message_bar(UiContext& ctx) {
  auto& entries = ctx.app.messages().entries();
  fade_notices(entries);
  if (entries.empty()) return;
  if (entries.size() == 1) ctx.scratch.messages_expanded = false;
  // Several messages take one line, the latest with a count of the others, so a burst of errors
  // does not push the lesson or the heatmaps down the screen.
  if (!ctx.scratch.messages_expanded) {
    const std::size_t latest = entries.size() - 1;
    if (entries.size() > 1) {
      const std::string more = "+" + std::to_string(latest) + " more";
      if (ImGui::SmallButton(more.c_str())) ctx.scratch.messages_expanded = true;
      ImGui::SameLine();
    }
    if (message_line(entries[latest], latest)) entries.erase(entries.begin() + static_cast<long>(latest));
    return;
  }
  if (ImGui::SmallButton("show only the latest")) ctx.scratch.messages_expanded = false;
  ImGui::SameLine();
  if (ImGui::SmallButton("dismiss all")) {
    entries.clear();
    return;
  }
  for (std::size_t k = 0; k < entries.size();) {
    if (message_line(entries[k], k)) {
      entries.erase(entries.begin() + static_cast<long>(k));
    } else {
      ++k;
    }
  }
}

}  // namespace ax
