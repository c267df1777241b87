// Shared helpers of the core tests: random inputs and weight computations in one line.
#pragma once

#include <cmath>
#include <cstring>

#include "attn/base/random.hpp"
#include "attn/kernels/attention.hpp"

namespace attn::test {

template <class T>
Mat<T> random_matrix(Index rows, Index cols, std::uint64_t seed, double scale = 1.0, double offset = 0.0) {
  Rng rng(seed);
  Mat<T> x(rows, cols);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = static_cast<T>(offset + scale * rng.normal());
  return x;
}

inline Method method(const char* spec) { return parse_method(spec); }

// The attention a lesson experiment runs: a score, its inverse temperature alpha and a method.
inline AttentionSpec spec_of(ScoreKind score, double alpha, const char* method = "exp") {
  AttentionSpec spec;
  spec.score = score;
  spec.alpha = alpha;
  spec.method = parse_method(method);
  return spec;
}

template <class T>
Weights<T> weights_of(const Mat<T>& scores, const char* spec, Mask mask = Mask::None) {
  return weights_from_scores(scores, parse_method(spec), mask);
}

template <class T>
double max_abs_diff(const Mat<T>& a, const Mat<T>& b) {
  return static_cast<double>((a - b).cwiseAbs().maxCoeff());
}

// Identical storage, NaN payloads included: "the same result bit for bit".
template <class T>
bool same_bits(const Mat<T>& a, const Mat<T>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(T) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace attn::test
