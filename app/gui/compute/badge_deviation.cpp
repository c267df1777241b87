#include "compute/badge_deviation.hpp"

#include <algorithm>
#include <vector>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"

namespace ax {

template <class T>
attn::Deviation badge_deviation(const attn::Weights<T>& clean, const attn::Weights<T>& perturbed) {
  const attn::Index n = clean.matrix.rows(), m = clean.matrix.cols();
  if (perturbed.matrix.rows() != n || perturbed.matrix.cols() != m) {
    throw attn::InputError("cannot compare weight matrices of different shapes");
  }
  constexpr attn::Index kRowsPerTask = 64;
  const attn::Index tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  struct Partial {
    double max_abs = 0.0;
    attn::Index compared = 0, undefined = 0;
  };
  std::vector<Partial> partials(static_cast<std::size_t>(tasks));
  attn::parallel_for(tasks, kRowsPerTask * m, [&](attn::Index task) {
    Partial& p = partials[static_cast<std::size_t>(task)];
    const attn::Index end = std::min(n, (task + 1) * kRowsPerTask);
    for (attn::Index i = task * kRowsPerTask; i < end; ++i) {
      if (!clean.defined(i) || !perturbed.defined(i)) {
        ++p.undefined;
        continue;
      }
      ++p.compared;
      p.max_abs = std::max(p.max_abs,
                           static_cast<double>((clean.matrix.row(i) - perturbed.matrix.row(i)).cwiseAbs().maxCoeff()));
    }
  });
  attn::Deviation d;
  for (const Partial& p : partials) {
    d.max_abs_diff = std::max(d.max_abs_diff, p.max_abs);
    d.compared_rows += p.compared;
    d.undefined_rows += p.undefined;
  }
  return d;
}

template attn::Deviation badge_deviation(const attn::Weights<float>&, const attn::Weights<float>&);
template attn::Deviation badge_deviation(const attn::Weights<double>&, const attn::Weights<double>&);

}  // namespace ax
