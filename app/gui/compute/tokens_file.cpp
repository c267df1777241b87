#include "compute/tokens_file.hpp"

#include <algorithm>
#include <filesystem>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/npz.hpp"
#include "attn/io/text_file.hpp"
#include "state/limits.hpp"

namespace ax {

namespace {

void check_label_count(const std::string& path, std::size_t count) {
  if (count <= static_cast<std::size_t>(kMaxTokenLabels)) return;
  throw attn::InputError(path + ": holds " + std::to_string(count) + " labels, more than the " +
                         std::to_string(kMaxTokenLabels) + " the app uses (one per query and key, at most " +
                         std::to_string(kStreamingMaxTokens) + " of each)");
}

std::vector<std::string> read_labels(const std::string& path) {
  // NumPy string arrays ('<U'), as saved beside the vectors: a .npy, or ARCHIVE.npz:NAME.
  if (const auto member = attn::split_archive_member(path)) {
    auto tokens = attn::NpzArchive(member->archive).strings(member->name);
    check_label_count(path, tokens.size());
    return tokens;
  }
  if (std::filesystem::path(path).extension() == ".npy") {
    auto tokens = attn::read_npy_strings(path);
    check_label_count(path, tokens.size());
    return tokens;
  }
  const std::string text = attn::read_text_file(path, "tokens file");
  // Counted before any string is made: 64 MiB of empty lines would be 2 GB of strings.
  check_label_count(path, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
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

}  // namespace

std::vector<std::string> read_tokens_file(const std::string& path) {
  return attn::naming_out_of_memory(path, [&] { return read_labels(path); });
}

}  // namespace ax
