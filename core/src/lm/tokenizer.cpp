#include "attn/lm/tokenizer.hpp"

#include "attn/base/errors.hpp"

namespace attn {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_lower(c) || is_upper(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes of the code point starting at text[i]: its lead byte and the continuation bytes that
// follow, as many as the lead byte announces. A stray continuation byte, a byte that cannot lead,
// or a sequence cut short counts as one byte.
std::size_t code_point_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 1;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  if (lead >= 0xE0 && lead <= 0xEF) length = 3;
  if (lead >= 0xF0 && lead <= 0xF4) length = 4;
  if (i + length > text.size()) return 1;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return length;
}

// The end of the run of letters starting at `i`.
std::size_t letter_run_end(std::string_view text, std::size_t i) {
  while (i < text.size() && is_letter(text[i])) ++i;
  return i;
}

// The end of a word starting at `i`: letters, then "'letters" as often as they follow.
std::size_t word_end(std::string_view text, std::size_t i) {
  std::size_t end = letter_run_end(text, i);
  while (end + 1 < text.size() && text[end] == '\'' && is_letter(text[end + 1])) end = letter_run_end(text, end + 1);
  return end;
}

}  // namespace

std::vector<std::string> tokenize_kjv_words(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    std::size_t end = i + 1;
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (is_letter(c)) {
      end = word_end(text, i);
    } else if (is_digit(c)) {
      while (end < text.size() && is_digit(text[end])) ++end;
    } else {
      end = i + code_point_length(text, i);
    }
    std::string token(text.substr(i, end - i));
    for (char& ch : token) ch = lower(ch);
    tokens.push_back(std::move(token));
    i = end;
  }
  return tokens;
}

Vocabulary::Vocabulary(std::vector<std::string> tokens, const std::string& source) : tokens_(std::move(tokens)) {
  if (tokens_.empty() || tokens_.front() != kUnknownToken) {
    throw InputError(source + ": the vocabulary must start with '" + std::string(kUnknownToken) + "' (id 0)");
  }
  index_.reserve(tokens_.size());
  for (std::size_t k = 0; k < tokens_.size(); ++k) {
    if (!index_.emplace(tokens_[k], static_cast<int>(k)).second) {
      throw InputError(source + ": the vocabulary holds '" + tokens_[k] + "' twice (ids " +
                       std::to_string(index_.at(tokens_[k])) + " and " + std::to_string(k) + ")");
    }
  }
}

int Vocabulary::id(const std::string& token) const {
  const auto it = index_.find(token);
  return it == index_.end() ? 0 : it->second;
}

std::vector<int> Vocabulary::encode(const std::vector<std::string>& tokens) const {
  std::vector<int> ids;
  ids.reserve(tokens.size());
  for (const std::string& t : tokens) ids.push_back(id(t));
  return ids;
}

}  // namespace attn
