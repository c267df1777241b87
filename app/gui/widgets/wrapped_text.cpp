#include "widgets/wrapped_text.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace ax::widgets {
namespace {

// The lines of `text` broken at spaces to fit `width` (the current font).
std::vector<std::string> wrap_lines(std::string_view text, float width) {
  std::vector<std::string> lines;
  const float space = ImGui::CalcTextSize(" ").x;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view paragraph = text.substr(start, end - start);
    std::string line;
    float line_width = 0.0f;
    std::size_t at = 0;
    while (at <= paragraph.size()) {
      const std::size_t stop = std::min(paragraph.find(' ', at), paragraph.size());
      const std::string_view word = paragraph.substr(at, stop - at);
      const float word_width = ImGui::CalcTextSize(word.data(), word.data() + word.size()).x;
      if (!line.empty() && line_width + space + word_width > width) {
        lines.push_back(std::move(line));
        line.clear();
        line_width = 0.0f;
      }
      if (!line.empty()) {
        line += ' ';
        line_width += space;
      }
      line.append(word);
      line_width += word_width;
      at = stop + 1;
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace

void WrappedText(std::string_view text, ImU32 colour, float width) {
  if (colour != 0) ImGui::PushStyleColor(ImGuiCol_Text, colour);
  const float limit = width > 0.0f ? width : ImGui::GetContentRegionAvail().x;
  for (const std::string& line : wrap_lines(text, std::max(limit, 1.0f))) {
    ImGui::TextUnformatted(line.c_str(), line.c_str() + line.size());
  }
  if (colour != 0) ImGui::PopStyleColor();
}

float WrappedTextHeight(std::string_view text, float width) {
  const auto lines = wrap_lines(text, std::max(width, 1.0f));
  const float count = static_cast<float>(lines.size());
  return count * ImGui::GetTextLineHeight() + std::max(count - 1.0f, 0.0f) * ImGui::GetStyle().ItemSpacing.y;
}

}  // namespace ax::widgets
