// Plain-text tables with aligned columns for terminal output.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Compact number formatting: 3 significant digits in scientific or fixed notation.
std::string format_number(double value, int digits = 3);

}  // namespace cli
