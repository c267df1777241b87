#include "input_files.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"

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

std::string stack_place(const std::vector<attn::Index>& axes, std::size_t k) {
  const auto flat = static_cast<attn::Index>(k);
  if (axes.size() == 1) return "head " + std::to_string(flat) + ": ";
  if (axes.size() == 2)
    return "layer " + std::to_string(flat / axes[1]) + ", head " + std::to_string(flat % axes[1]) + ": ";
  return "";
}

attn::NdArray read_selected(const std::string& path, const StackSelection& selection, bool is_input,
                            attn::NonFinite policy) {
  attn::NdArray array = attn::read_array_file(path, policy);
  if (selection.layer >= 0) {
    if (array.rank() == 4) {
      array = array.slice(selection.layer, path, "layer");
    } else if (is_input) {
      throw attn::UsageError("--layer: " + path + " has shape " + array.shape_text() + ", not [layers, heads, n, d]");
    }
  } else if (is_input && selection.head >= 0 && array.rank() == 4) {
    throw attn::UsageError("--head: " + path + " has shape " + array.shape_text() + "; choose a --layer too");
  }
  if (selection.head >= 0) {
    if (array.rank() == 3) {
      array = array.slice(selection.head, path, "head");
    } else if (is_input) {
      throw attn::UsageError("--head: " + path + " has shape " + array.shape_text() + ", not [heads, n, d]");
    }
  }
  return array;
}

VectorStack load_vector_stack(const std::string& input_path, const std::string& keys_path,
                              const StackSelection& selection) {
  VectorStack stack;
  const attn::NdArray input = read_selected(input_path, selection, true);
  stack.queries = input.stack();
  stack.stack_shape.assign(input.shape.begin(), input.shape.end() - std::min<attn::Index>(input.rank(), 2));
  if (!keys_path.empty()) {
    const attn::NdArray keys = read_selected(keys_path, selection, false);
    stack.keys = keys.stack();
    const bool keys_stacked = keys.rank() >= 3;
    const std::vector<attn::Index> key_axes(keys.shape.begin(),
                                            keys.shape.end() - std::min<attn::Index>(keys.rank(), 2));
    if (keys_stacked && key_axes != stack.stack_shape) {
      throw attn::InputError(keys_path + ": shape " + keys.shape_text() + " does not stack like " + input_path +
                             " of shape " + input.shape_text() + " (" + std::to_string(stack.keys.size()) +
                             " heads but " + std::to_string(stack.queries.size()) + ")");
    }
    if (!keys_stacked && stack.queries.size() > 1) {
      stack.keys.assign(stack.queries.size(), stack.keys.front());  // one key set for every head
    }
    if (stack.keys.front().cols() != stack.queries.front().cols()) {
      throw attn::InputError(keys_path + ": keys have dimension " + std::to_string(stack.keys.front().cols()) +
                             " but the queries in " + input_path + " have dimension " +
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
attn::Vectors<T> load_vectors(const std::string& input_path, const std::string& keys_path,
                              const StackSelection& selection) {
  const VectorStack stack = load_vector_stack(input_path, keys_path, selection);
  if (stack.queries.size() != 1) {
    throw attn::InputError(input_path + ": holds a stack of " + std::to_string(stack.queries.size()) +
                           " matrices; this command needs one matrix of vectors (choose one with --layer and --head)");
  }
  return head_vectors<T>(stack, 0, input_path, keys_path);
}

template attn::Vectors<float> load_vectors(const std::string&, const std::string&, const StackSelection&);
template attn::Vectors<double> load_vectors(const std::string&, const std::string&, const StackSelection&);
template attn::Vectors<float> head_vectors(const VectorStack&, std::size_t, const std::string&, const std::string&);
template attn::Vectors<double> head_vectors(const VectorStack&, std::size_t, const std::string&, const std::string&);

}  // namespace cli
