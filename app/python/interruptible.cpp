#include "interruptible.hpp"

#include <pybind11/pybind11.h>

namespace axpy {

namespace py = pybind11;

void wait_interruptibly(const std::function<bool()>& ready_soon, std::atomic<bool>& cancel) {
  for (;;) {
    bool ready = false;
    {
      py::gil_scoped_release release;
      ready = ready_soon();
    }
    if (ready) return;
    // Only the main thread sees signals; elsewhere this is 0 and the call simply runs to its end.
    if (PyErr_CheckSignals() != 0) {
      cancel = true;
      {
        py::gil_scoped_release release;
        while (!ready_soon()) {}
      }
      throw py::error_already_set();
    }
  }
}

}  // namespace axpy
