#include "attn/base/random.hpp"

#include <cmath>

namespace attn {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t substream) {
  // Mix the three keys through splitmix64 so neighbouring streams are unrelated.
  std::uint64_t mix = seed;
  std::uint64_t a = splitmix64(mix);
  mix ^= stream * 0xD1B54A32D192ED03ull;
  std::uint64_t b = splitmix64(mix);
  mix ^= substream * 0x8CB92BA72F3D8DD7ull;
  std::uint64_t c = splitmix64(mix);
  std::uint64_t x = a ^ rotl(b, 21) ^ rotl(c, 42);
  for (auto& s : state_) s = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * portable_log(s) / s);
  spare_normal_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

double portable_log(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(f), f = (m-1)/(m+1), |f| < 0.172.
  // std::frexp is exact (it only moves the exponent), so every step is a basic IEEE operation.
  int e = 0;
  double m = std::frexp(x, &e);  // m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double f = (m - 1.0) / (m + 1.0);
  const double f2 = f * f;
  // atanh series to f^23: the first omitted term is below 2^-60 relative.
  double term = f2;
  double series = 1.0;
  for (int k = 3; k <= 23; k += 2) {
    series += term / k;
    term *= f2;
  }
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // exact in 32 bits, so e * ln2_hi is exact
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return de * ln2_hi + (2.0 * f * series + de * ln2_lo);
}

}  // namespace attn
