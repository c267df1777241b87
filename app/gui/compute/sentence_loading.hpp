// The "sentence" data source: a typed sentence through a tiny language model, shown like a model
// file (the model view's grid of every layer and head, one head opened with the model's own W).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attn/lm/language_model.hpp"
#include "compute/loaded_data.hpp"

namespace ax {

// What the sentence source ran, for the predictions: the model, the tokens and their ids.
struct SentenceInput {
  std::shared_ptr<const attn::LanguageModel> model;
  std::optional<attn::Method> method;  // the F of every head instead of the model's own
  std::vector<std::string> tokens;     // the tokenizer's tokens, as typed (lower-cased)
  std::vector<int> ids;                // their ids in the model's vocabulary (0: <unk>)
  std::vector<std::string> unknown;    // typed tokens the vocabulary lacks, read as <unk>
  std::size_t dropped = 0;             // tokens before the last `context` ones, left out
};

// Fills `data` from s.sentence and s.language_model: every head's Q, K and the model's W as a
// model run, head [s.layer, s.head] opened. Throws attn::InputError for an unreadable model or a
// sentence without tokens, attn::UsageError for an unknown method.
void load_sentence(LoadedData& data, const DataSettings& s);

}  // namespace ax
