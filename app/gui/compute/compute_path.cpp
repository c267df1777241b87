#include "compute/compute_path.hpp"

#include "attn/base/errors.hpp"

namespace ax {
namespace {

std::string cells(attn::Index rows, attn::Index cols) { return std::to_string(rows) + " x " + std::to_string(cols); }

}  // namespace

const char* compute_path_name(ComputePath path) { return path == ComputePath::Dense ? "dense" : "streaming"; }

ComputePath choose_compute_path(const std::string& source, attn::Index queries, attn::Index keys) {
  if (queries * keys <= kDenseMaxCells) return ComputePath::Dense;
  if (queries <= kStreamingMaxTokens && keys <= kStreamingMaxTokens) return ComputePath::Streaming;
  throw attn::InputError(source + ": " + std::to_string(queries) + " queries and " + std::to_string(keys) +
                         " keys make a " + cells(queries, keys) + " weight matrix; the app streams at most " +
                         std::to_string(kStreamingMaxTokens) + " queries and keys (dense: at most " +
                         std::to_string(kDenseMaxCells) + " cells, 4096 x 4096)");
}

void check_weight_file_size(const std::string& source, attn::Index rows, attn::Index cols) {
  if (rows * cols <= kWeightFileMaxCells) return;
  throw attn::InputError(source + ": a " + cells(rows, cols) + " weight matrix is larger than the " +
                         std::to_string(kWeightFileMaxCells) + " cells (8192 x 8192) the app shows");
}

}  // namespace ax
