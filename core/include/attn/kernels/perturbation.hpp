// Perturbations of the scores and of the vectors: the experiments the product is about.
//
// With a perturbation p, the score of query i and key j becomes
//     s_ij = alpha * ( lambda * score(q~_i, k~_j) + M + r_i + c_j + sigma * e_ij )
// where q~, k~ carry vector noise x~_i = x_i + g + l_i (one shared g ~ N(0, s_g^2 I) per draw,
// independent l_i ~ N(0, s_l^2 I)), r_i are per-row shifts, c_j per-column shifts and e_ij
// independent standard normals. Every random number comes from attn::Rng keyed by (seed, draw,
// what, index), so a draw is reproducible on any machine and any thread count.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace attn {

enum class NoiseTarget {
  Queries,  // only the queries are noisy; the keys are the clean vectors
  Keys,     // only the keys are noisy
  Both,     // both; in self-attention each x~_i serves as query and key
};

NoiseTarget parse_noise_target(std::string_view name);  // queries, keys, both; throws UsageError
std::string_view noise_target_name(NoiseTarget target);

struct Perturbation {
  double shift = 0.0;                 // M: added to every score
  double scale = 1.0;                 // lambda: multiplies every score
  std::vector<double> row_shifts;     // r_i, one per query; empty for none
  std::vector<double> column_shifts;  // c_j, one per key; empty for none
  double score_noise_rms = 0.0;       // sigma of the independent noise on each score
  double global_rms = 0.0;            // s_g of the shared vector noise g
  double local_rms = 0.0;             // s_l of the independent vector noise l_i
  NoiseTarget noise_target = NoiseTarget::Both;
  std::uint64_t seed = 0;
  std::uint64_t draw = 0;  // which realisation of all random terms

  bool has_vector_noise() const { return global_rms > 0.0 || local_rms > 0.0; }
  bool has_score_noise() const { return score_noise_rms > 0.0; }
  bool is_identity() const;
};

// Random-number purposes (the `stream` tag of attn::Rng substreams).
namespace noise_stream {
constexpr std::uint64_t kGlobal = 1;
constexpr std::uint64_t kQueryLocal = 2;
constexpr std::uint64_t kKeyLocal = 3;
constexpr std::uint64_t kScore = 4;
constexpr std::uint64_t substream(std::uint64_t purpose, std::uint64_t index) { return (purpose << 48) | index; }
}  // namespace noise_stream

}  // namespace attn
