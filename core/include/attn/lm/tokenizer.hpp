// The tokenizer of the tiny language models (assets/models/, tools/tiny_lm.py): "kjv-words-v1".
//
// Text is UTF-8, read one code point at a time (a lead byte and its continuation bytes 10xxxxxx):
//   - ASCII 'A'..'Z' become 'a'..'z'; nothing else is changed;
//   - space, \t, \n, \v, \f and \r are skipped;
//   - a run of 'a'..'z' is a word; while the next character is ' and the one after it is a
//     letter, the apostrophe and the following run join the word ("king's", "o'er's");
//   - a run of '0'..'9' is a number;
//   - every other code point (punctuation, any non-ASCII character) is a token by itself. A byte
//     that does not start a well-formed code point is a token of its own, so no input is refused.
// A token's id is its index in the model's vocabulary; a token not in it is 0 ("<unk>").
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attn {

inline constexpr std::string_view kKjvWordsTokenizer = "kjv-words-v1";
inline constexpr std::string_view kUnknownToken = "<unk>";

// The token strings of `text`, in order.
std::vector<std::string> tokenize_kjv_words(std::string_view text);

// A model's vocabulary: id -> token and token -> id.
class Vocabulary {
 public:
  Vocabulary() = default;
  // `tokens[0]` must be "<unk>" and no token may repeat: InputError naming `source` otherwise.
  Vocabulary(std::vector<std::string> tokens, const std::string& source);

  int size() const { return static_cast<int>(tokens_.size()); }
  const std::string& token(int id) const { return tokens_.at(static_cast<std::size_t>(id)); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  // The id of `token`, 0 (<unk>) when the vocabulary does not hold it.
  int id(const std::string& token) const;
  bool contains(const std::string& token) const { return index_.count(token) > 0; }

  // Ids of the tokens, 0 for each unknown one.
  std::vector<int> encode(const std::vector<std::string>& tokens) const;

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> index_;
};

}  // namespace attn
