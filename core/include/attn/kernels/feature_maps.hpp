// Attention computed from Q and K by a feature map: w_ij = phi(a_i).phi(b_j) / sum_l phi(a_i).phi(b_l).
// These methods are no function of the score s_ij; they are taken of the score's two factors.
//
// The factors. With the score's product scale c (alpha lambda for dot and cosine, alpha lambda /
// sqrt(d) for scaled-dot), a_i = sgn(c) sqrt|c| q~_i and b_j = sqrt|c| k~_j, where q~, k~ are the
// queries and keys after vector noise, centring and (cosine) normalisation, so a_i.b_j is the
// score. With the dot score and alpha 1 they are the vectors themselves (the papers' phi(q).phi(k)).
//
//   linear-attn  phi(x) = elu(x) + 1 (Katharopoulos et al. 2020), elementwise. The score's
//                additive terms (shifts M, r_i, c_j, score noise, the distance form) have no
//                place in phi(q).phi(k): they are refused with a UsageError that says so. Vector
//                noise and the scale lambda reach it through q~, k~ and c.
//   performer:m  positive random features (Choromanski et al. 2020, Lemma 1): phi_r(x) =
//                exp(w_r.x - |x|^2/2) / sqrt(m), w_r ~ N(0, I), so E[phi(a).phi(b)] = e^{a.b},
//                and the weights estimate softmax's. The score's other terms:
//                - a constant shift M enters as what the app's noise model says it is, a
//                  component shared by every query and key (g.g = M): one more coordinate,
//                  sgn(M) sqrt|alpha M| in a_i and sqrt|alpha M| in b_j, with its own random
//                  entries w_r,d+1. In expectation over the features the weights are unchanged;
//                  for one draw of the features they change.
//                - per-row shifts r_i multiply row i by e^{alpha r_i}, which cancels exactly;
//                - per-column shifts c_j and the distance form's -|k_j|^2/2 multiply key j's
//                  features by e^{alpha c_j} and e^{-|b_j|^2/2};
//                - score noise multiplies each kernel value by e^{alpha sigma e_ij}, with the
//                  same e_ij the scores of every other method get.
//
// The features are computed in the log domain and shifted before exponentiation (by each query's
// largest log-feature, and by the largest over all keys): constants that cancel in the ratio.
#pragma once

#include <string>

#include "attn/base/types.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {

// Why `spec`'s method cannot take `perturbation` (linear-attn and a term of the score, or the
// neg-sqdist score), or empty when it can. Every method not listed above can.
std::string perturbation_refusal(const AttentionSpec& spec, const Perturbation& perturbation);

// The random directions w_r of performer:m:SEED as rows, m x `dimension`. Row r comes from its own
// random stream (seed, r), so the first d entries of a row are the same for every dimension >= d.
MatD random_feature_directions(const Method& method, Index dimension);

// phi of the queries (#queries x D) and of the keys (#keys x D), such that
// W_ij = queries_i . keys_j / sum_l queries_i . keys_l (score noise aside, which needs each pair).
// Throws UsageError when the method is no feature map or refuses a part of the perturbation.
// The features are stored shifted (see above); phi itself is the stored value times
// e^{query_log_offset_i} (a query) or e^{key_log_offset} (a key), which is what averaging kernels
// over several draws of the features needs.
template <class T>
struct FeatureMaps {
  Mat<T> queries;
  Mat<T> keys;
  Vec<T> query_log_offset;  // one per query (0 for linear-attn)
  T key_log_offset = T(0);
};
template <class T>
FeatureMaps<T> feature_maps(const Vectors<T>& vectors, const AttentionSpec& spec,
                            const Perturbation& perturbation = {});

// The outputs y_i = sum_j w_ij v_j of a feature-map method without W: phi(a_i)^T (sum_j phi(b_j) v_j^T)
// / phi(a_i).(sum_j phi(b_j)), with running sums over j <= i under the causal mask. O((n + m) D e)
// time and O(D e) memory beyond the features, against O(n m) for W. Score noise (a factor per
// pair) is refused. Rows whose normaliser is 0 or not finite are NaN.
template <class T>
Mat<T> feature_map_outputs(const Vectors<T>& vectors, const AttentionSpec& spec, const Mat<T>& values,
                           const Perturbation& perturbation = {});

}  // namespace attn
