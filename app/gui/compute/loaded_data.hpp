// The data the settings describe: vectors to compute attention on, or weight matrices loaded
// to be shown as they are. Built from DataSettings by generating or reading files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/io/model_file.hpp"
#include "attn/kernels/attention.hpp"
#include "compute/image_stats.hpp"
#include "state/app_state.hpp"

namespace ax {

// Every layer and head of a model run (a model file, or any rank-4 array): what the model view's
// small multiples show. Shared by every LoadedData of one file, so stepping heads copies nothing.
struct ModelGrid {
  std::string path;
  attn::Index layers = 1, heads = 1;
  std::vector<std::string> layer_names;  // may be empty
  // What the cells picture (ModelGridService, model_grid_cells.hpp): the model's own weights, or
  // (a file of vectors only) softmax recomputed from q and k with each head's own mask. The grid
  // holds no weight matrix: cells are pooled pictures computed off the UI thread.
  std::shared_ptr<const attn::ModelFile> file;
  bool cells_are_model_weights = true;
  bool has_vectors = false;           // q (and k): methods and perturbations can be computed
  std::string mask = "none";          // format 1's word for the mask the model applied: none, causal, other
  bool has_masks = false;             // some head ran with a mask (blocked keys, padding or a bias)
  std::vector<std::string> groups;    // the file's groups (encoder, decoder, cross...), empty when none
  std::string group;                  // the group shown
  std::string role = "self";          // self, or cross (keys from another sequence)
  std::string precision = "float32";  // what the model computed in (bfloat16, float16: coarser rounding)
  bool dropout_applied = false;       // the model's weights are after dropout: rows need not sum to 1
  std::uint64_t serial = 0;           // new for every file read (texture versions)

  // "layer 1 (encoder.layers.1.self_attn), head 2"; one-layer grids name only the head.
  std::string head_name(attn::Index layer, attn::Index head, bool with_layer_name = true) const;
};

struct SentenceInput;

struct LoadedData {
  bool weights_only = false;              // a file of weight matrices: no vectors, no scores
  attn::MatD queries;                     // n x d (vectors mode)
  std::optional<attn::MatD> keys;         // m x d; absent: self-attention
  std::vector<attn::MatD> weight_stack;   // weights mode: one n x m matrix per head
  std::vector<std::string> query_labels;  // axis labels (tokens), empty when none
  std::vector<std::string> key_labels;
  std::vector<int> groups;                        // cluster of each vector (generated clusters), else empty
  std::string description;                        // one line for the status bar
  std::string source;                             // the file the data came from ("run.npz, group cross"), or empty
  std::shared_ptr<const ModelGrid> model;         // a model file or rank-4 array: every layer and head
  attn::Index layer = 0, head = 0;                // the cell of `model` shown in the main view
  std::optional<attn::MatD> reference;            // the model's own weights of that head, beside the recomputed methods
  attn::HeadMask model_mask;                      // the mask that head ran with (applied with attention mask "model")
  std::vector<std::string> notices;               // for the message bar once loaded (ignored arrays, keys = queries)
  std::shared_ptr<const SentenceInput> sentence;  // the sentence source: the model and tokens run, else null

  attn::Index query_count() const { return weights_only ? weight_stack.front().rows() : queries.rows(); }
  attn::Index key_count() const {
    return weights_only ? weight_stack.front().cols() : (keys ? keys->rows() : queries.rows());
  }
  attn::Index dimension() const { return weights_only ? 0 : queries.cols(); }
};

class ModelFileCache;

// `message` as the user reads it: prefixed with the data's file, when it came from one and the
// message does not name it already.
std::string naming_source(const LoadedData& data, const std::string& message);

// The engine's input for `data`, in precision T: every query (or the first `max_queries`) and
// the keys. Truncated self-attention keeps every query as a key, so each row sees all its keys.
// Throws attn::InputError for weight matrices, which have no vectors.
template <class T>
attn::Vectors<T> engine_vectors(const LoadedData& data, attn::Index max_queries = -1);

// Generates or reads the data. Throws attn::InputError / attn::UsageError with the engine's message.
std::shared_ptr<const LoadedData> load_data(const DataSettings& settings);
// The same, reusing the model file `models` read last (stepping through layers and heads).
std::shared_ptr<const LoadedData> load_data(const DataSettings& settings, ModelFileCache& models);

// Keeps the data in step with the settings. When new settings fail to load, the settings are put
// back to the last ones that worked and the current data stay, so a bad file never blanks the view.
class DataController {
 public:
  // Returns true when the data changed. On failure fills `error` and restores `settings`.
  bool update(DataSettings& settings, std::string& error);
  const std::shared_ptr<const LoadedData>& data() const { return data_; }
  // Counts the data loaded: a new number means new data (results of an older number are stale).
  std::uint64_t generation() const { return generation_; }

 private:
  std::uint64_t generation_ = 0;
  DataSettings last_good_;
  std::shared_ptr<ModelFileCache> models_;
  std::shared_ptr<const LoadedData> data_;
};

}  // namespace ax
