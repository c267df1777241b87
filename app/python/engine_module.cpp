// The compiled half of `attention_explorer` (the package's _engine): weights, overview and
// invariance on NumPy arrays. Inputs are copied into engine matrices while the GIL is held; the
// engine then runs without it (its own threads), so other Python threads run meanwhile, and the
// long calls (overview, invariance) stop on Ctrl-C (interruptible.hpp).
#include <utility>
#include <variant>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "attn/base/errors.hpp"
#include "engine_calls.hpp"
#include "interruptible.hpp"
#include "numpy_arrays.hpp"

namespace py = pybind11;

namespace axpy {
namespace {

Inputs inputs_from(const py::handle& q, const py::handle& k) {
  Inputs in;
  in.queries = matrix_from(q, "q");
  in.keys = optional_matrix_from(k, "k");
  return in;
}

AttentionArgs args_from(const std::string& method, const std::string& score, double alpha, const std::string& mask,
                        double shift, double scale, bool float32) {
  return {method, score, alpha, mask, shift, scale, float32};
}

// Checks q and k as weights() does, without computing (render and show save the arrays for the app).
void py_check_vectors(const py::handle& q, const py::handle& k) { check_inputs(inputs_from(q, k)); }

py::array py_weights(const py::handle& q, const py::handle& k, const std::string& method, const std::string& score,
                     double alpha, const std::string& mask, double shift, double scale, bool float32) {
  const Inputs in = inputs_from(q, k);
  const AttentionArgs args = args_from(method, score, alpha, mask, shift, scale, float32);
  std::variant<attn::MatF, attn::MatD> w;
  {
    py::gil_scoped_release release;
    w = weights(in, args);
  }
  return std::visit([](auto& matrix) -> py::array { return array_from(std::move(matrix)); }, w);
}

py::array_t<float> py_overview(const py::handle& q, const py::handle& k, attn::Index pixels, const std::string& reduce,
                               const std::string& method, const std::string& score, double alpha,
                               const std::string& mask, double shift, double scale, bool float32) {
  const Inputs in = inputs_from(q, k);
  const AttentionArgs args = args_from(method, score, alpha, mask, shift, scale, float32);
  OverviewImage image = interruptible(
      [&](const attn::ProgressReporter& progress) { return overview(in, args, pixels, reduce, progress); });
  return array_from(std::move(image.values), image.rows, image.cols);
}

py::list py_invariance(const py::handle& q, const py::handle& k, const std::vector<std::string>& methods,
                       const std::vector<double>& shifts, const std::string& score, double alpha,
                       const std::string& mask, bool float32) {
  const Inputs in = inputs_from(q, k);
  const AttentionArgs args = args_from("exp", score, alpha, mask, 0.0, 1.0, float32);
  const std::vector<attn::InvarianceResult> results = interruptible(
      [&](const attn::ProgressReporter& progress) { return invariance(in, args, methods, shifts, progress); });
  py::list out;
  for (const attn::InvarianceResult& r : results) {
    py::dict row;
    row["method"] = r.method;
    row["shift"] = r.shift;
    row["max_abs_diff"] = r.deviation.max_abs_diff;  // NaN when no row is defined
    row["mean_tv"] = r.deviation.mean_tv;
    row["mean_kl"] = r.deviation.mean_kl;
    row["frobenius"] = r.deviation.frobenius;
    row["compared_rows"] = r.deviation.compared_rows;
    row["undefined_rows"] = r.deviation.undefined_rows;
    out.append(std::move(row));
  }
  return out;
}

}  // namespace
}  // namespace axpy

PYBIND11_MODULE(_engine, m) {
  using namespace pybind11::literals;
  m.doc() = "Attention Explorer's engine on NumPy arrays (see the package attention_explorer)";
  // The engine's errors arrive as ValueError with the engine's message (which names the argument).
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const attn::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const attn::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  m.def("check_vectors", &axpy::py_check_vectors, "q"_a, "k"_a = py::none());
  m.def("weights", &axpy::py_weights, "q"_a, "k"_a = py::none(), py::kw_only(), "method"_a = "exp",
        "score"_a = "scaled-dot", "alpha"_a = 1.0, "mask"_a = "none", "shift"_a = 0.0, "scale"_a = 1.0,
        "float32"_a = false);
  m.def("overview", &axpy::py_overview, "q"_a, "k"_a = py::none(), py::kw_only(), "pixels"_a = 512, "reduce"_a = "max",
        "method"_a = "exp", "score"_a = "scaled-dot", "alpha"_a = 1.0, "mask"_a = "none", "shift"_a = 0.0,
        "scale"_a = 1.0, "float32"_a = false);
  m.def("invariance", &axpy::py_invariance, "q"_a, "k"_a = py::none(), py::kw_only(),
        "methods"_a = std::vector<std::string>{"exp", "relu", "softplus", "sigmoid"},
        "shifts"_a = std::vector<double>{0.1, 1.0, 10.0}, "score"_a = "scaled-dot", "alpha"_a = 1.0, "mask"_a = "none",
        "float32"_a = false);
}
