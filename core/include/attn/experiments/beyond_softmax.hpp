// Experiments on the methods after softmax: random features against exact softmax, random
// features under a shift (one draw against the expectation), attention sinks, and sequence length.
// All deterministic for a seed, on any machine and thread count.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "attn/experiments/experiments.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {

// ---- Random features against exact softmax: for each number of features m, `seeds` draws of the
// features (seeds seed, seed + 1, ...), each compared with softmax on the same spec (base's score,
// alpha, mask, centring; its method is not used). Summaries over the draws.
struct FeatureErrorPoint {
  Index features = 0;
  Summary max_abs_diff;  // max_ij |W_performer - W_softmax|
  Summary mean_tv;       // mean over rows of the total variation
};
template <class T>
std::vector<FeatureErrorPoint> random_feature_error(const Vectors<T>& vectors, const AttentionSpec& base,
                                                    std::span<const Index> feature_counts, int seeds,
                                                    std::uint64_t seed);

// ---- Shift invariance of random features. A constant shift M enters the features as a shared
// coordinate (feature_maps.hpp). For each of `draws` draws of m features (seeds seed, seed + 1,
// ...): max |W(M) - W(0)| with the same features (one draw). Then the expectation over the
// features: the kernel phi(a).phi(b) averaged over the first D draws, normalised, at M and at 0;
// its max |W(M) - W(0)| shrinks as D grows, since E[kernel at M] = e^{alpha M} E[kernel at 0].
struct AveragedShiftPoint {
  int draws = 0;
  double max_abs_diff = 0.0;
};
struct FeatureShiftResult {
  double shift = 0.0;
  Index features = 0;
  Summary one_draw;                          // over the draws
  std::vector<AveragedShiftPoint> averaged;  // D = 1, 4, 16, ... up to the number of draws
  double softmax = 0.0;                      // exact softmax's max |W(M) - W(0)|: rounding only
};
FeatureShiftResult random_feature_shift(const Vectors<double>& vectors, const AttentionSpec& base, Index features,
                                        double shift, int draws, std::uint64_t seed);

// ---- Attention sinks. Data with a key every query finds unremarkable: key 0 is the zero
// vector, so its score is 0 for every query. The other keys share a component (3 along the first
// axis) plus N(0, I). "Idle" queries point against that component (every other score is about
// -3 with scaled-dot scores): nothing is relevant to them. "Seeking" queries are 0.7 times the
// random part of one key before them, which then scores about 0.7 sqrt(d) while the rest score
// about N(0, 0.5). Query 0 sees only key 0 under the causal mask and is idle.
struct SinkData {
  Vectors<double> vectors;  // n queries and n keys of dimension d
  std::vector<bool> idle;   // per query
};
SinkData generate_sink_data(Index n, Index d, std::uint64_t seed, double idle_fraction = 0.5);

// Per method: the mass on key 0 and the row mass, averaged over each group of rows (all rows when
// `idle` is empty). "declined" = 1 - row mass: how much of the row the method does not spend.
struct SinkGroup {
  Index rows = 0;           // defined rows of the group
  double key0_mass = 0.0;   // mean w_i0
  double row_mass = 0.0;    // mean sum_j w_ij
  double declined = 0.0;    // mean 1 - sum_j w_ij
  double key0_share = 0.0;  // mean w_i0 / sum_j w_ij over rows of positive mass: key 0's part of what is spent
};
struct SinkRow {
  std::string method;
  SinkGroup all, idle, seeking;
  Index undefined_rows = 0;
};
template <class T>
std::vector<SinkRow> sink_study(const Vectors<T>& vectors, const AttentionSpec& base, std::span<const Method> methods,
                                const std::vector<bool>& idle = {});

// ---- Sequence length. For each n: `queries` queries against n keys, all N(0, I_d) (from (seed,
// n)), scored by base's score and alpha without a mask; each row computed alone (no n x n
// matrix: compute_query_row, the streaming path). Means over the defined rows.
struct LengthStudyPoint {
  Index n = 0;
  double max_weight = 0.0;  // the largest weight of a row
  double entropy = 0.0;     // of the row normalised to sum 1 (nats)
  double mass = 0.0;        // sum_j w_ij
  Index undefined_rows = 0;
};
struct LengthCurve {
  std::string method;
  std::vector<LengthStudyPoint> points;
};
std::vector<LengthCurve> length_study(const AttentionSpec& base, std::span<const Method> methods,
                                      std::span<const Index> lengths, Index dimension, Index queries,
                                      std::uint64_t seed, const ProgressReporter& progress = {});

}  // namespace attn
