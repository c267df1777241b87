#include "compute/tokens_file.hpp"

#include <filesystem>

#include "attn/io/array_files.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/npz.hpp"
#include "attn/io/text_file.hpp"

namespace ax {

std::vector<std::string> read_tokens_file(const std::string& path) {
  // NumPy string arrays ('<U'), as saved beside the vectors: a .npy, or ARCHIVE.npz:NAME.
  if (const auto member = attn::split_archive_member(path))
    return attn::NpzArchive(member->archive).strings(member->name);
  if (std::filesystem::path(path).extension() == ".npy") return attn::read_npy_strings(path);
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
