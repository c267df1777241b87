// Loading vectors for the CLI: queries (--input) and keys (--keys), as one matrix each or as a
// stack of matrices (one per head).
#pragma once

#include <string>
#include <vector>

#include "attn/attention.hpp"

namespace cli {

struct VectorStack {
  std::vector<attn::MatD> queries;  // one n x d matrix per head
  std::vector<attn::MatD> keys;     // empty: self-attention; else one m x d per head
  bool stacked = false;             // the input file is rank 3 (even with one head)
};

// Rank 1 to 3 files; a rank-3 keys file must have as many heads as the queries. Throws
// attn::InputError naming the file for every mismatch.
VectorStack load_vector_stack(const std::string& input_path, const std::string& keys_path);

// A single set of vectors (rank 1 or 2 files only).
template <class T>
attn::Vectors<T> load_vectors(const std::string& input_path, const std::string& keys_path);

// Head h of a stack as engine vectors, in precision T. Values beyond float range are refused
// (use --double) instead of silently becoming infinite.
template <class T>
attn::Vectors<T> head_vectors(const VectorStack& stack, std::size_t head,
                              const std::string& input_path, const std::string& keys_path);

}  // namespace cli
