#include "attn/score_statistics.hpp"

#include <string>
#include <vector>

#include "attn/errors.hpp"
#include "attn/parallel.hpp"
#include "lesson_checks.hpp"

namespace attn {
namespace {

// Sums of the score changes of one draw.
struct ChangeSums {
  double offdiagonal = 0.0;
  double diagonal = 0.0;
};

ChangeSums draw_changes(const Vectors<double>& v, const MatD& clean, double global_rms, double local_rms,
                        std::uint64_t seed, std::uint64_t draw) {
  Perturbation p;
  p.global_rms = global_rms;
  p.local_rms = local_rms;
  p.seed = seed;
  p.draw = draw;
  const MatD change = compute_scores(v, ScoreKind::Dot, 1.0, p) - clean;
  ChangeSums out;
  out.diagonal = change.diagonal().sum();
  out.offdiagonal = change.sum() - out.diagonal;
  return out;
}

}  // namespace

ScoreShift measure_score_shift(const MatD& x, double global_rms, double local_rms, int draws, std::uint64_t seed) {
  detail::require_finite_points(x, "score shift");
  if (x.rows() < 2) throw InputError("the score shift needs at least two vectors (pairs i != j)");
  detail::require_non_negative(global_rms, "the shared noise level s_g");
  detail::require_non_negative(local_rms, "the local noise level s_l");
  detail::require_positive_count(draws, "the number of draws");

  Vectors<double> v;
  v.queries = x;
  const MatD clean = compute_scores(v, ScoreKind::Dot, 1.0);
  std::vector<ChangeSums> sums(static_cast<std::size_t>(draws));
  // One task per draw; every random number comes from (seed, draw), so any thread count gives
  // the same sums, which are then added in draw order.
  parallel_for(draws, [&](Index k) {
    sums[static_cast<std::size_t>(k)] = draw_changes(v, clean, global_rms, local_rms, seed, static_cast<std::uint64_t>(k));
  });
  ChangeSums total;
  for (const ChangeSums& s : sums) {
    total.offdiagonal += s.offdiagonal;
    total.diagonal += s.diagonal;
  }
  const double n = static_cast<double>(x.rows());
  const double d = static_cast<double>(x.cols());
  ScoreShift out;
  out.draws = draws;
  out.mean_offdiagonal_change = total.offdiagonal / (static_cast<double>(draws) * n * (n - 1.0));
  out.mean_diagonal_change = total.diagonal / (static_cast<double>(draws) * n);
  out.expected = expected_score_shift(ScoreKind::Dot, global_rms, static_cast<long>(x.cols())).value;
  out.expected_diagonal = out.expected + local_rms * local_rms * d;
  return out;
}

}  // namespace attn
