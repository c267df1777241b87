// Loading vectors for the CLI: queries (--input) and keys (--keys), as one matrix each or as a
// stack of matrices (one per head).
#pragma once

#include <string>
#include <vector>

#include "attention_options.hpp"
#include "attn/io/ndarray.hpp"
#include "attn/kernels/attention.hpp"

namespace cli {

struct VectorStack {
  std::vector<attn::MatD> queries;       // one n x d matrix per head
  std::vector<attn::MatD> keys;          // empty: self-attention; else one m x d per head
  std::vector<attn::Index> stack_shape;  // leading axes of the input after selection: {}, {H} or {L, H}
};

// Reads an array file and applies --layer / --head where its rank allows: a file with fewer axes
// is shared by every head (keys, values). Throws UsageError for a selection the input cannot take.
attn::NdArray read_selected(const std::string& path, const StackSelection& selection, bool is_input,
                            attn::NonFinite policy = attn::NonFinite::Reject);

// "layer 1, head 2: " for matrix k of a stack with leading axes `axes`; "" for a single matrix.
std::string stack_place(const std::vector<attn::Index>& axes, std::size_t k);

// Rank 1 to 4 files; a stacked keys file must have the same leading axes as the queries. Throws
// attn::InputError naming the file for every mismatch.
VectorStack load_vector_stack(const std::string& input_path, const std::string& keys_path,
                              const StackSelection& selection);

// A single set of vectors: rank 1 or 2 files, or one matrix chosen with --layer / --head.
template <class T>
attn::Vectors<T> load_vectors(const std::string& input_path, const std::string& keys_path,
                              const StackSelection& selection);

// Head h of a stack as engine vectors, in precision T. Values beyond float range are refused
// (use --double) instead of silently becoming infinite.
template <class T>
attn::Vectors<T> head_vectors(const VectorStack& stack, std::size_t head, const std::string& input_path,
                              const std::string& keys_path);

}  // namespace cli
