#include "attn/io/ndarray.hpp"

#include <stdexcept>

#include "attn/base/errors.hpp"

namespace attn {

Index NdArray::size() const {
  Index total = 1;
  for (Index extent : shape) total *= extent;
  return shape.empty() ? 0 : total;
}

MatD NdArray::matrix() const {
  if (rank() == 1) return Eigen::Map<const MatD>(values.data(), shape[0], 1);
  if (rank() == 2) return Eigen::Map<const MatD>(values.data(), shape[0], shape[1]);
  throw std::logic_error("NdArray::matrix needs rank 1 or 2");
}

std::vector<MatD> NdArray::stack() const {
  if (rank() < 3) return {matrix()};
  const Index rows = shape[shape.size() - 2];
  const Index cols = shape.back();
  const Index count = size() / (rows * cols);
  std::vector<MatD> out;
  for (Index k = 0; k < count; ++k) {
    out.emplace_back(Eigen::Map<const MatD>(values.data() + k * rows * cols, rows, cols));
  }
  return out;
}

NdArray NdArray::slice(Index index, const std::string& source, const std::string& what) const {
  if (rank() < 2) throw InputError(source + ": a vector of shape " + shape_text() + " has no " + what + "s");
  if (index < 0 || index >= shape[0]) {
    throw InputError(source + ": " + what + " " + std::to_string(index) + " does not exist (shape " + shape_text() +
                     " has " + std::to_string(shape[0]) + ", numbered from 0)");
  }
  NdArray out;
  out.dtype = dtype;
  out.shape.assign(shape.begin() + 1, shape.end());
  const Index part = size() / shape[0];
  out.values.assign(values.begin() + index * part, values.begin() + (index + 1) * part);
  return out;
}

std::string NdArray::shape_text() const {
  std::string text = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k > 0) text += ", ";
    text += std::to_string(shape[k]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

}  // namespace attn
