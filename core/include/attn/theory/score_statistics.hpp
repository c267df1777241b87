// Measured effect of vector noise on the scores themselves (Alam et al.: a shared noise component
// adds, on average, the same constant M = s_g^2 d to every dot product).
#pragma once

#include <cstdint>

#include "attn/kernels/attention.hpp"

namespace attn {

// With x~_i = x_i + g + l_i: x~_i.x~_j - x_i.x_j = x_i.g + g.x_j + g.g + (local terms), whose
// mean over draws is s_g^2 d off the diagonal and s_g^2 d + s_l^2 d on it. The per-draw spread is
// large (g.g alone has standard deviation s_g^2 sqrt(2 d)), so the mean needs many draws: about
// 1000 for 1% at d = 16.
struct ScoreShift {
  double mean_offdiagonal_change = 0.0;  // mean over draws and pairs i != j of s~_ij - s_ij
  double mean_diagonal_change = 0.0;     // the same on the diagonal (gets s_l^2 d more)
  double expected = 0.0;                 // s_g^2 d for dot scores (expected_score_shift)
  double expected_diagonal = 0.0;        // s_g^2 d + s_l^2 d
  // Each pair on its own: max over i != j of |mean over draws of (s~_ij - s_ij) - expected|, and
  // the pair where it is largest. Its size is set by the per-draw spread / sqrt(draws).
  double max_pair_deviation = 0.0;
  Index worst_i = 0, worst_j = 0;
  int draws = 0;
};

// Dot scores (alpha 1) of X (n by d, n >= 2) with itself, clean and under `draws` draws of vector
// noise (Perturbation draw k with `seed`, noise on queries and keys alike). Throws InputError for
// fewer than two vectors or non-finite values, UsageError for draws < 1 or negative or non-finite
// noise levels.
ScoreShift measure_score_shift(const MatD& x, double global_rms, double local_rms, int draws, std::uint64_t seed);

}  // namespace attn
