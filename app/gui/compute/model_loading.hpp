// Model files in the app: an .npz of every layer and head (tools/export_attention.py), or any
// rank-4 array, shown as the model view's grid plus one head in the main view.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "attn/io/model_file.hpp"
#include "attn/io/ndarray.hpp"
#include "attn/kernels/weights.hpp"
#include "compute/loaded_data.hpp"

namespace ax {

// The last model file read, so stepping through layers and heads does not read it again.
class ModelFileCache {
 public:
  struct Entry {
    std::shared_ptr<const attn::ModelFile> file;
    std::shared_ptr<const ModelGrid> grid;
  };
  // Reads group `group` ("": the first) of `path` unless it is the one read last (same file size
  // and modification time).
  Entry get(const std::string& path, const std::string& group = "");
  // The same for a file read by `read` (a rank-4 array), under the name `group`.
  Entry remember(const std::string& path, const std::string& group, const std::function<attn::ModelFile()>& read);

 private:
  std::string path_;
  std::string group_;
  std::string stamp_;
  Entry entry_;
};

// Fills `data` with head [s.layer, s.head] of group s.group of the model file s.vectors_path: its
// Q and K as vectors, its own weights as the reference and its mask, or (a file of weights only)
// the weights as they are. A layer, head or group the file does not hold becomes the nearest one
// it holds, with a notice (data.layer, data.head and data.model->group say which).
void load_model_file(LoadedData& data, const DataSettings& s, ModelFileCache& cache);

// The same for a model run held in memory (a sentence through a language model).
void load_model_run(LoadedData& data, const DataSettings& s, attn::ModelFile file);

// The same for a rank-4 array from a .npy (or ARCHIVE.npz:NAME): weight matrices when every row
// of every matrix is a distribution (or the settings say so), else per-head vectors.
void load_rank4_array(LoadedData& data, const DataSettings& s, attn::NdArray array, bool weights,
                      ModelFileCache& cache);

// The model's own weights of [layer, head] as the app shows them: rows that are not distributions
// are undefined (NaN), except after dropout, where only the file's NaN rows are.
attn::Weights<float> model_weights(const attn::ModelFile& file, attn::Index layer, attn::Index head);

}  // namespace ax
