#include "panels/message_bar.hpp"

#include "imgui.h"

namespace ax {

void draw_message_bar(UiContext& ctx) {
  auto& entries = ctx.app.messages().entries();
  for (std::size_t k = 0; k < entries.size();) {
    auto& e = entries[k];
    ImGui::PushID(static_cast<int>(k));
    const ImVec4 colour = e.error ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImVec4(0.6f, 0.85f, 0.6f, 1.0f);
    bool dismiss = ImGui::SmallButton("x");
    ImGui::SameLine();
    ImGui::TextColored(colour, "%s %s", e.error ? "error:" : "", e.text.c_str());
    ImGui::PopID();
    if (e.frames_left > 0 && --e.frames_left == 0) dismiss = true;
    if (dismiss) {
      entries.erase(entries.begin() + static_cast<long>(k));
    } else {
      ++k;
    }
  }
}

}  // namespace ax
