#include "panels/status_bar.hpp"

#include "compute/compute_path.hpp"
#include "imgui.h"
#include "state/limits.hpp"

namespace ax {

void draw_status_bar(UiContext& ctx) {
  if (ctx.app.lesson().active()) {
    ImGui::Text("%s  |  step %d of %d", ctx.app.lesson().lesson().title.c_str(), ctx.state.lesson.step + 1,
                ctx.app.lesson().step_count());
    ImGui::SameLine();
    ImGui::TextDisabled("| frame %.1f ms", ctx.frame.frame_ms);
    return;
  }
  const auto& data = ctx.data;
  if (data && data->weights_only) {
    ImGui::Text("%zu weight matri%s of %ld x %ld (loaded)", data->weight_stack.size(),
                data->weight_stack.size() == 1 ? "x" : "ces", static_cast<long>(data->query_count()),
                static_cast<long>(data->key_count()));
  } else {
    if (data) {
      ImGui::Text("n=%ld  m=%ld  d=%ld", static_cast<long>(data->query_count()), static_cast<long>(data->key_count()),
                  static_cast<long>(data->dimension()));
      ImGui::SameLine();
    }
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::Text("%zu methods", ctx.state.attention.methods.size());
  }
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  if (ctx.result) {
    ImGui::Text("%s path, compute %.1f ms (%s)", compute_path_name(ctx.result->path), ctx.result->compute_ms,
                ctx.result->use_double ? "float64" : "float32");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "dense: every n x m matrix is held (up to %ld cells, fastest);\n"
          "streaming: weights are recomputed tile by tile from queries and keys, only the pixels are kept",
          static_cast<long>(kDenseMaxCells));
    }
  } else {
    ImGui::TextUnformatted(computing_text(ctx).c_str());
  }
  ImGui::SameLine();
  if (ctx.app.computing() && ctx.result) {
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), " updating: %s", computing_text(ctx).c_str());
    ImGui::SameLine();
  } else if (ctx.app.pictures().overviews().busy()) {
    const ComputeProgress p = ctx.app.pictures().overviews().progress();
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), " pixels %.0f%% (%.1f s)", p.fraction * 100.0, p.seconds);
    ImGui::SameLine();
  } else if (!ctx.app.compute_error().empty() && ctx.result) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), " newest settings not computed (see the message)");
    ImGui::SameLine();
  }
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  ImGui::Text("frame %.1f ms", ctx.frame.frame_ms);
  if (data) {
    ImGui::SameLine();
    ImGui::TextDisabled("| %s", data->description.c_str());
  }
}

}  // namespace ax
