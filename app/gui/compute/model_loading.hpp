// Model files in the app: an .npz of every layer and head (tools/export_attention.py), or any
// rank-4 array, shown as the model view's grid plus one head in the main view.
#pragma once

#include <memory>
#include <string>

#include "attn/io/model_file.hpp"
#include "attn/io/ndarray.hpp"
#include "compute/loaded_data.hpp"

namespace ax {

// The last model file read, so stepping through layers and heads does not read it again.
class ModelFileCache {
 public:
  struct Entry {
    std::shared_ptr<const attn::ModelFile> file;
    std::shared_ptr<const ModelGrid> grid;
  };
  // Reads `path` unless it is the file read last (same size and modification time).
  Entry get(const std::string& path);

 private:
  std::string path_;
  std::string stamp_;
  Entry entry_;
};

// Fills `data` with head [s.layer, s.head] of the model file s.vectors_path: its Q and K as
// vectors and its own weights as the reference, or (a file of weights only) the weights as they
// are. Throws attn::InputError naming the file for a missing layer or head.
void load_model_file(LoadedData& data, const DataSettings& s, ModelFileCache& cache);

// The same for a model run held in memory (a sentence through a language model).
void load_model_run(LoadedData& data, const DataSettings& s, const attn::ModelFile& file);

// The same for a rank-4 array from a .npy (or ARCHIVE.npz:NAME): weight matrices when every row
// of every matrix is a distribution (or the settings say so), else per-head vectors.
void load_rank4_array(LoadedData& data, const DataSettings& s, attn::NdArray array, bool weights);

}  // namespace ax
