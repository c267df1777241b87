// NumPy arrays in and out of the engine. Inputs of any real dtype and any strides become row-major
// engine matrices (a copy, so the engine never holds Python memory); results go back as arrays
// that own the engine's buffer (no copy).
#pragma once

#include <optional>
#include <vector>

#include <pybind11/numpy.h>

#include "attn/base/types.hpp"

namespace axpy {

namespace py = pybind11;

// `array` (any object NumPy turns into an array) as a rows x columns matrix of doubles. Throws
// attn::InputError naming `what` (for example "q") and the problem: not numbers of a real dtype
// (complex, strings, objects, booleans), not 2-D, empty, larger than the engine's limits or the
// memory budget (checked from the declared shape before anything is copied), or holding NaN or
// infinity (with the first such element's place).
attn::MatD matrix_from(const py::handle& array, const char* what);
// The same for an optional argument (None gives nothing).
std::optional<attn::MatD> optional_matrix_from(const py::handle& array, const char* what);

// `matrix` as a new array of its rows x columns; the array takes over the matrix's buffer.
template <class T>
py::array_t<T> array_from(attn::Mat<T>&& matrix);
// `values` (row-major) as a new float32 array of rows x columns; the array takes over the vector.
py::array_t<float> array_from(std::vector<float>&& values, attn::Index rows, attn::Index cols);

}  // namespace axpy
