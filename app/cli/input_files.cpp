#include "input_files.hpp"

#include <cmath>
#include <limits>

#include "attn/array_files.hpp"
#include "attn/errors.hpp"

namespace cli {
namespace {

template <class T>
attn::Mat<T> to_precision(const attn::MatD& m, const std::string& path) {
  if constexpr (std::is_same_v<T, float>) {
    const double limit = std::numeric_limits<float>::max();
    for (attn::Index i = 0; i < m.rows(); ++i) {
      for (attn::Index j = 0; j < m.cols(); ++j) {
        if (std::abs(m(i, j)) > limit) {
          throw attn::InputError(path + ": element [" + std::to_string(i) + ", " + std::to_string(j) +
                                 "] does not fit in float32 (use --double)");
        }
      }
    }
  }
  return m.cast<T>();
}

}  // namespace

VectorStack load_vector_stack(const std::string& input_path, const std::string& keys_path) {
  VectorStack stack;
  const attn::NdArray input = attn::read_array_file(input_path);
  stack.queries = input.stack();
  stack.stacked = input.rank() == 3;
  if (!keys_path.empty()) {
    const attn::NdArray keys = attn::read_array_file(keys_path);
    stack.keys = keys.stack();
    if (keys.rank() == 3 && stack.keys.size() != stack.queries.size()) {
      throw attn::InputError(keys_path + ": " + std::to_string(stack.keys.size()) + " heads but " +
                             input_path + " has " + std::to_string(stack.queries.size()));
    }
    if (keys.rank() < 3 && stack.queries.size() > 1) {
      stack.keys.assign(stack.queries.size(), stack.keys.front());  // one key set for every head
    }
    if (stack.keys.front().cols() != stack.queries.front().cols()) {
      throw attn::InputError(keys_path + ": keys have dimension " +
                             std::to_string(stack.keys.front().cols()) + " but the queries in " +
                             input_path + " have dimension " +
                             std::to_string(stack.queries.front().cols()));
    }
  }
  return stack;
}

template <class T>
attn::Vectors<T> head_vectors(const VectorStack& stack, std::size_t head, const std::string& input_path,
                              const std::string& keys_path) {
  attn::Vectors<T> vectors;
  vectors.queries = to_precision<T>(stack.queries[head], input_path);
  if (!stack.keys.empty()) vectors.keys = to_precision<T>(stack.keys[head], keys_path);
  return vectors;
}

template <class T>
attn::Vectors<T> load_vectors(const std::string& input_path, const std::string& keys_path) {
  const VectorStack stack = load_vector_stack(input_path, keys_path);
  if (stack.queries.size() != 1) {
    throw attn::InputError(input_path + ": holds a stack of " + std::to_string(stack.queries.size()) +
                           " matrices; this command needs one matrix of vectors");
  }
  return head_vectors<T>(stack, 0, input_path, keys_path);
}

template attn::Vectors<float> load_vectors(const std::string&, const std::string&);
template attn::Vectors<double> load_vectors(const std::string&, const std::string&);
template attn::Vectors<float> head_vectors(const VectorStack&, std::size_t, const std::string&, const std::string&);
template attn::Vectors<double> head_vectors(const VectorStack&, std::size_t, const std::string&, const std::string&);

}  // namespace cli
