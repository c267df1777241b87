#include "state/json_file.hpp"

#include "attn/base/errors.hpp"
#include "attn/io/text_file.hpp"
#include "state/limits.hpp"

namespace ax {

std::string json_error_text(const std::exception& e) {
  std::string message = e.what();
  if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
  return message;
}

namespace {

// Refuses text whose arrays and objects nest deeper than kMaxJsonDepth, before the parser builds
// anything: every later walk of the document (copies, checks, dumps) recurses once per level.
void check_nesting(const std::string& text, const std::string& path) {
  int depth = 0, deepest = 0;
  long line = 1, column = 0, first_line = 0, first_column = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    ++column;
    if (c == '\n') ++line, column = 0;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (depth == kMaxJsonDepth + 1 && first_line == 0) first_line = line, first_column = column;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  if (deepest <= kMaxJsonDepth) return;
  throw attn::InputError(path + ": arrays and objects nested " + std::to_string(deepest) + " levels deep (level " +
                         std::to_string(kMaxJsonDepth + 1) + " at line " + std::to_string(first_line) + ", column " +
                         std::to_string(first_column) + "); the limit is " + std::to_string(kMaxJsonDepth));
}

}  // namespace

template <class Json>
Json read_json_file(const std::string& path, const char* what) {
  const std::string text = attn::read_text_file(path, what);
  check_nesting(text, path);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number such as 1e400 that no double holds.
    throw attn::InputError(path + ": not valid JSON: " + json_error_text(e));
  }
}

template nlohmann::json read_json_file<nlohmann::json>(const std::string&, const char*);
template nlohmann::ordered_json read_json_file<nlohmann::ordered_json>(const std::string&, const char*);

}  // namespace ax
