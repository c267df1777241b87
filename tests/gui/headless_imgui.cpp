#include "headless_imgui.hpp"

namespace ax::test {

HeadlessImGui::HeadlessImGui(ImVec2 display) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = display;
  io.IniFilename = nullptr;
  io.DeltaTime = 1.0f / 60.0f;
  for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;  // as a backend would map its keys
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas, as a backend would
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(); }

int HeadlessImGui::frame(ExplorerUi& ui, double frame_ms) {
  ImGui::NewFrame();
  FrameStats stats;
  stats.frame_ms = frame_ms;
  ui.frame(stats);
  ImGui::Render();
  const ImDrawData* draw = ImGui::GetDrawData();
  return draw ? draw->TotalVtxCount : 0;
}

void HeadlessImGui::frames(ExplorerUi& ui, int count) {
  for (int k = 0; k < count; ++k) frame(ui);
}

void HeadlessImGui::click(ExplorerUi& ui, const nlohmann::json& rect) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos =
      ImVec2((rect[0].get<float>() + rect[2].get<float>()) / 2, (rect[1].get<float>() + rect[3].get<float>()) / 2);
  frames(ui, 1);
  io.MouseDown[0] = true;
  frames(ui, 1);
  io.MouseDown[0] = false;  // released over the widget: a button fires on release
  frames(ui, 1);
  io.MousePos = ImVec2(-100, -100);
  ui.app().wait_for_results();
  frames(ui, 2);
}

}  // namespace ax::test
