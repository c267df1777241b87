// A seeded random generator whose output is identical on every platform and for every thread
// count.
//
// std::normal_distribution (and even std::uniform_real_distribution) differ between standard
// libraries, so the engine draws its own: xoshiro256** for bits, a 53-bit uniform, and the
// Marsaglia polar method for normals with a logarithm built from IEEE-754 basic operations only
// (+, -, *, /, sqrt are correctly rounded everywhere; std::log is not).
//
// Streams: a generator is keyed by (seed, stream, substream), e.g. (seed, draw, vector index), so
// parallel code gives each task its own generator and results never depend on scheduling.
#pragma once

#include <cstdint>

namespace attn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0, std::uint64_t substream = 0);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  // Standard normal N(0, 1).
  double normal();

 private:
  std::uint64_t state_[4];
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

// Natural logarithm from basic IEEE operations only (platform-independent bits). x > 0, finite.
double portable_log(double x);

}  // namespace attn
