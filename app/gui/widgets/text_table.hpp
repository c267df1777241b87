// A table of short texts laid out from its content: every column at least as wide as its longest
// word (a word, and so a number, is never split over lines), and as wide as its longest cell when
// the room allows. ImGui's fixed-fit columns wrapped at their own narrow edge inside a wrapped view,
// which put "Ylipaa's slides" one letter per line and split 0.18 over three lines.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "imgui.h"

namespace ax::widgets {

struct TableCell {
  std::string text;
  ImU32 colour = 0;  // 0: the current text colour
};

// Widths of the text of each column, given for each column its longest word and its longest cell
// (on one line) and the width the columns' text may take together. Every column gets its longest
// cell when they all fit; otherwise its longest word plus a share of what is left, in proportion to
// how much more its longest cell needs. Never narrower than the longest word (the table then
// needs more than `available`).
std::vector<float> fit_column_widths(const std::vector<float>& longest_word, const std::vector<float>& longest_cell,
                                     float available);

// Draws `rows` (the first row is the header when `header` is true) as a bordered table at most as
// wide as the content region. Each cell's text rectangle goes to `cell_rects` (row-major) when
// given, for the layout checks.
void TextTable(const char* id, const std::vector<std::vector<TableCell>>& rows,
               std::vector<std::array<float, 4>>* cell_rects = nullptr);

}  // namespace ax::widgets
