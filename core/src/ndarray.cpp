#include "attn/ndarray.hpp"

#include <stdexcept>

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
  if (rank() != 3) return {matrix()};
  std::vector<MatD> out;
  const Index slice = shape[1] * shape[2];
  for (Index h = 0; h < shape[0]; ++h) {
    out.emplace_back(Eigen::Map<const MatD>(values.data() + h * slice, shape[1], shape[2]));
  }
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
