#include "attn/theory/score_statistics.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "theory/lesson_checks.hpp"

namespace attn {
namespace {

MatD draw_change(const Vectors<double>& v, const MatD& clean, double global_rms, double local_rms, std::uint64_t seed,
                 std::uint64_t draw) {
  Perturbation p;
  p.global_rms = global_rms;
  p.local_rms = local_rms;
  p.seed = seed;
  p.draw = draw;
  return compute_scores(v, ScoreKind::Dot, 1.0, p) - clean;
}

// Draws are summed in fixed blocks (each block in draw order, then the blocks in order), so the
// sums do not depend on the thread count.
constexpr Index kBlocks = 16;

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
  std::vector<MatD> sums(static_cast<std::size_t>(kBlocks), MatD::Zero(x.rows(), x.rows()));
  parallel_for(kBlocks, [&](Index b) {
    for (Index k = b; k < draws; k += kBlocks) {
      sums[static_cast<std::size_t>(b)] +=
          draw_change(v, clean, global_rms, local_rms, seed, static_cast<std::uint64_t>(k));
    }
  });
  MatD total = MatD::Zero(x.rows(), x.rows());
  for (const MatD& s : sums) total += s;
  const MatD mean = total / static_cast<double>(draws);
  const double n = static_cast<double>(x.rows());
  ScoreShift out;
  out.draws = draws;
  const double diagonal = mean.diagonal().sum();
  out.mean_offdiagonal_change = (mean.sum() - diagonal) / (n * (n - 1.0));
  out.mean_diagonal_change = diagonal / n;
  const ExpectedShift expected =
      expected_score_shift(ScoreKind::Dot, global_rms, local_rms, NoiseTarget::Both, true, static_cast<long>(x.cols()));
  out.expected = expected.value;
  out.expected_diagonal = expected.value + expected.diagonal_extra;
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index j = 0; j < x.rows(); ++j) {
      const double deviation = std::abs(mean(i, j) - out.expected);
      if (i != j && deviation > out.max_pair_deviation) {
        out.max_pair_deviation = deviation;
        out.worst_i = i;
        out.worst_j = j;
      }
    }
  }
  return out;
}

}  // namespace attn
