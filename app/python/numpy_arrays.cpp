#include "numpy_arrays.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/kernels/attention.hpp"

namespace axpy {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::string shape_text(const py::array& array) {
  std::string out = "(";
  for (py::ssize_t axis = 0; axis < array.ndim(); ++axis) {
    if (axis > 0) out += ", ";
    out += std::to_string(array.shape(axis));
  }
  out += array.ndim() == 1 ? ",)" : ")";
  return out;
}

// The array NumPy makes of `object`, of a real dtype (integers or floats; forcecast would turn
// complex numbers into their real parts and booleans into 0 and 1 without a word).
py::array real_array(const py::handle& object, const std::string& name) {
  py::array array = py::array::ensure(object);  // empty when NumPy cannot make an array of it
  if (!array) throw attn::InputError(name + ": not an array (NumPy cannot make an array of it)");
  const char kind = array.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u') {
    throw attn::InputError(name + ": dtype " + std::string(py::str(array.dtype())) +
                           " is not real numbers (give a float or integer array)");
  }
  return array;
}

// The declared shape is checked before the copy: a broadcast view declares any size for free.
void check_shape(const py::array& array, const std::string& name) {
  if (array.ndim() != 2) {
    throw attn::InputError(name + ": expected a 2-D array [tokens, dimension], got shape " + shape_text(array));
  }
  if (array.shape(0) == 0 || array.shape(1) == 0)
    throw attn::InputError(name + ": the array is empty, shape " + shape_text(array));
  const attn::Index rows = array.shape(0), cols = array.shape(1);
  const std::string what = name + " of shape " + shape_text(array);
  attn::check_matrix_size(rows, cols, what.c_str());
  attn::check_memory_budget(attn::array_bytes({rows, cols}, sizeof(double)), what + " as float64");
}

void check_finite(const attn::MatD& m, const std::string& name) {
  for (attn::Index i = 0; i < m.rows(); ++i) {
    for (attn::Index j = 0; j < m.cols(); ++j) {
      const double x = m(i, j);
      if (!std::isfinite(x)) {
        throw attn::InputError(name + ": element [" + std::to_string(i) + ", " + std::to_string(j) + "] is " +
                               (std::isnan(x) ? "NaN" : "infinite") + " (every value must be finite)");
      }
    }
  }
}

}  // namespace

attn::MatD matrix_from(const py::handle& object, const char* what) {
  const std::string name = what;
  if (object.is_none()) throw attn::InputError(name + ": no array given");
  const py::array array = real_array(object, name);
  check_shape(array, name);
  const DoubleArray values = DoubleArray::ensure(array);
  if (!values) throw attn::InputError(name + ": its values cannot be converted to float64");
  attn::MatD out = Eigen::Map<const attn::MatD>(values.data(), values.shape(0), values.shape(1));
  check_finite(out, name);
  return out;
}

std::optional<attn::MatD> optional_matrix_from(const py::handle& array, const char* what) {
  if (array.is_none()) return std::nullopt;
  return matrix_from(array, what);
}

template <class T>
py::array_t<T> array_from(attn::Mat<T>&& matrix) {
  auto owned = std::make_unique<attn::Mat<T>>(std::move(matrix));
  py::capsule free_when_done(owned.get(), [](void* p) { delete static_cast<attn::Mat<T>*>(p); });
  const attn::Mat<T>& m = *owned.release();  // the capsule owns it now
  return py::array_t<T>({m.rows(), m.cols()}, m.data(), free_when_done);
}
template py::array_t<float> array_from(attn::Mat<float>&&);
template py::array_t<double> array_from(attn::Mat<double>&&);

py::array_t<float> array_from(std::vector<float>&& values, attn::Index rows, attn::Index cols) {
  auto owned = std::make_unique<std::vector<float>>(std::move(values));
  py::capsule free_when_done(owned.get(), [](void* p) { delete static_cast<std::vector<float>*>(p); });
  const std::vector<float>& v = *owned.release();  // the capsule owns it now
  return py::array_t<float>({rows, cols}, v.data(), free_when_done);
}

}  // namespace axpy
