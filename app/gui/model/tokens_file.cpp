#include "model/tokens_file.hpp"

#include "attn/text_file.hpp"

namespace ax {

std::vector<std::string> read_tokens_file(const std::string& path) {
  const std::string text = attn::read_text_file(path, "tokens file");
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    tokens.push_back(std::move(line));
    start = end + 1;
  }
  while (!tokens.empty() && tokens.back().empty()) tokens.pop_back();
  return tokens;
}

}  // namespace ax
