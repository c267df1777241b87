#include "widgets/text_table.hpp"

#include <algorithm>
#include <numeric>

#include "widgets/wrapped_text.hpp"

namespace ax::widgets {
namespace {

float longest_word_width(const std::string& text) {
  float widest = 0.0f;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t stop = text.find_first_of(" \n", start);
    if (stop == std::string::npos) stop = text.size();
    widest = std::max(widest, ImGui::CalcTextSize(text.data() + start, text.data() + stop).x);
    start = stop + 1;
  }
  return widest;
}

}  // namespace

std::vector<float> fit_column_widths(const std::vector<float>& longest_word, const std::vector<float>& longest_cell,
                                     float available) {
  const std::size_t n = longest_word.size();
  std::vector<float> want(n);
  for (std::size_t c = 0; c < n; ++c) want[c] = std::max(longest_word[c], longest_cell[c]);
  const float all = std::accumulate(want.begin(), want.end(), 0.0f);
  if (all <= available) return want;
  const float least = std::accumulate(longest_word.begin(), longest_word.end(), 0.0f);
  const float spare = std::max(available - least, 0.0f), more = all - least;
  std::vector<float> out(n);
  for (std::size_t c = 0; c < n; ++c) {
    const float extra = want[c] - longest_word[c];
    out[c] = longest_word[c] + (more > 0.0f ? spare * extra / more : 0.0f);
  }
  return out;
}

void TextTable(const char* id, const std::vector<std::vector<TableCell>>& rows,
               std::vector<std::array<float, 4>>* cell_rects) {
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  if (columns == 0) return;
  std::vector<float> word(columns, 0.0f), cell(columns, 0.0f);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      word[c] = std::max(word[c], longest_word_width(row[c].text));
      cell[c] = std::max(cell[c], ImGui::CalcTextSize(row[c].text.c_str()).x);
    }
  }
  const ImGuiStyle& style = ImGui::GetStyle();
  const float frame = static_cast<float>(columns) * (style.CellPadding.x * 2.0f + 1.0f) + 1.0f;
  const auto widths = fit_column_widths(word, cell, ImGui::GetContentRegionAvail().x - frame);
  if (!ImGui::BeginTable(id, static_cast<int>(columns), ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit))
    return;
  for (std::size_t c = 0; c < columns; ++c)
    ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthFixed, widths[c]);
  ImGui::PushTextWrapPos(-1.0f);  // the lines come from WrappedText, never cut again at the column's edge
  for (const auto& row : rows) {
    ImGui::TableNextRow();
    for (std::size_t c = 0; c < columns; ++c) {
      ImGui::TableNextColumn();
      ImGui::BeginGroup();
      if (c < row.size()) WrappedText(row[c].text, row[c].colour, widths[c]);
      ImGui::EndGroup();
      if (cell_rects) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        cell_rects->push_back({a.x, a.y, b.x, b.y});
      }
    }
  }
  ImGui::PopTextWrapPos();
  ImGui::EndTable();
}

}  // namespace ax::widgets
