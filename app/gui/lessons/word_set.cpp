#include "lessons/word_set.hpp"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "attn/base/errors.hpp"
#include "state/json_file.hpp"

namespace ax {
namespace {

// ordered_json keeps the file's order of words and sentences (the view lists them in that order).
using json = nlohmann::ordered_json;

attn::MatD matrix_of(const json& j, const std::string& where, attn::Index rows, attn::Index cols) {
  if (!j.is_array() || static_cast<attn::Index>(j.size()) != rows) {
    throw attn::InputError(where + ": must be a list of " + std::to_string(rows) + " rows");
  }
  attn::MatD m(rows, cols);
  for (attn::Index i = 0; i < rows; ++i) {
    const json& row = j[static_cast<std::size_t>(i)];
    if (!row.is_array() || static_cast<attn::Index>(row.size()) != cols) {
      throw attn::InputError(where + ": row " + std::to_string(i + 1) + " must have " + std::to_string(cols) +
                             " numbers");
    }
    for (attn::Index k = 0; k < cols; ++k) {
      if (!row[static_cast<std::size_t>(k)].is_number()) throw attn::InputError(where + ": values must be numbers");
      m(i, k) = row[static_cast<std::size_t>(k)].get<double>();
    }
  }
  return m;
}

WordSet parse_word_set(const json& j, const std::string& path);

}  // namespace

attn::MatD WordSet::sentence_vectors(const Sentence& s) const {
  attn::MatD x(static_cast<attn::Index>(s.tokens.size()), vectors.cols());
  for (std::size_t k = 0; k < s.tokens.size(); ++k) x.row(static_cast<attn::Index>(k)) = vectors.row(s.tokens[k]);
  return x;
}

std::vector<std::string> WordSet::sentence_tokens(const Sentence& s) const {
  std::vector<std::string> out;
  for (int t : s.tokens) out.push_back(tokens[static_cast<std::size_t>(t)]);
  return out;
}

WordSet load_word_set(const std::string& path) {
  const json j = read_json_file<json>(path, "word set");
  try {
    return parse_word_set(j, path);
  } catch (const nlohmann::json::exception& e) {
    throw attn::InputError(path + ": " + json_error_text(e));
  }
}

namespace {

WordSet parse_word_set(const json& j, const std::string& path) {
  WordSet w;
  const json& words = j.at("words");
  for (auto it = words.begin(); it != words.end(); ++it) w.tokens.push_back(it.key());
  w.vectors.resize(static_cast<attn::Index>(w.tokens.size()), 2);
  for (std::size_t k = 0; k < w.tokens.size(); ++k) {
    w.vectors.row(static_cast<attn::Index>(k)) =
        matrix_of(json::array({words.at(w.tokens[k])}), path + ": words." + w.tokens[k], 1, 2);
  }
  for (auto it = j.at("sentences").begin(); it != j.at("sentences").end(); ++it) {
    Sentence s;
    s.name = it.key();
    for (const auto& token : it.value()) {
      const auto pos = std::find(w.tokens.begin(), w.tokens.end(), token.get<std::string>());
      if (pos == w.tokens.end()) {
        throw attn::InputError(path + ": sentences." + s.name + ": unknown word '" + token.get<std::string>() + "'");
      }
      s.tokens.push_back(static_cast<int>(pos - w.tokens.begin()));
    }
    w.sentences.push_back(std::move(s));
  }
  w.readout = matrix_of(json::array({j.at("readout")}), path + ": readout", 1, 2).row(0).transpose();
  w.readout_bias = j.value("readout_bias", 0.0);
  if (j.contains("heads_readout")) {
    w.heads_readout =
        matrix_of(json::array({j.at("heads_readout")}), path + ": heads_readout", 1, 4).row(0).transpose();
    w.heads_readout_bias = j.value("heads_readout_bias", 0.0);
  }
  w.mlp_w = matrix_of(j.at("mlp_w"), path + ": mlp_w", 2, 2);
  w.mlp_b = matrix_of(json::array({j.at("mlp_b")}), path + ": mlp_b", 1, 2).row(0).transpose();
  w.query_projection = matrix_of(j.at("query_projection"), path + ": query_projection", 2, 2);
  w.key_projection = matrix_of(j.at("key_projection"), path + ": key_projection", 2, 2);
  w.value_projection = matrix_of(j.at("value_projection"), path + ": value_projection", 2, 2);
  return w;
}

}  // namespace
}  // namespace ax
