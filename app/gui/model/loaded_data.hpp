// The data the settings describe: vectors to compute attention on, or weight matrices loaded
// to be shown as they are. Built from DataSettings by generating or reading files.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attn/types.hpp"
#include "state/app_state.hpp"

namespace ax {

struct LoadedData {
  bool weights_only = false;           // a file of weight matrices: no vectors, no scores
  attn::MatD queries;                  // n x d (vectors mode)
  std::optional<attn::MatD> keys;      // m x d; absent: self-attention
  std::vector<attn::MatD> weight_stack;  // weights mode: one n x m matrix per head
  std::vector<std::string> query_labels;  // axis labels (tokens), empty when none
  std::vector<std::string> key_labels;
  std::vector<int> groups;             // cluster of each vector (generated clusters), else empty
  std::string description;             // one line for the status bar

  attn::Index query_count() const { return weights_only ? weight_stack.front().rows() : queries.rows(); }
  attn::Index key_count() const {
    return weights_only ? weight_stack.front().cols() : (keys ? keys->rows() : queries.rows());
  }
  attn::Index dimension() const { return weights_only ? 0 : queries.cols(); }
};

// Generates or reads the data. Throws attn::InputError / attn::UsageError with the engine's message.
std::shared_ptr<const LoadedData> load_data(const DataSettings& settings);

// Keeps the data in step with the settings. When new settings fail to load, the settings are put
// back to the last ones that worked and the current data stay, so a bad file never blanks the view.
class DataController {
 public:
  // Returns true when the data changed. On failure fills `error` and restores `settings`.
  bool update(DataSettings& settings, std::string& error);
  const std::shared_ptr<const LoadedData>& data() const { return data_; }

 private:
  std::string loaded_key_;
  DataSettings last_good_;
  std::shared_ptr<const LoadedData> data_;
};

}  // namespace ax
