#include "attn/kernels/feature_maps.hpp"

#include <cmath>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/random.hpp"
#include "kernels/score_plan.hpp"

namespace attn {
namespace {

// The random-number purpose of the features' directions (after noise_stream's 1..4).
constexpr std::uint64_t kFeatureStream = 5;

// c with a_i.b_j = c q~_i.k~_j: the score's product scale.
double product_scale(const AttentionSpec& spec, const Perturbation& p, Index dimension) {
  const double c = spec.alpha * p.scale;
  return spec.score == ScoreKind::ScaledDot ? c / std::sqrt(static_cast<double>(dimension)) : c;
}

bool any_nonzero(const std::vector<double>& values) {
  for (double v : values) {
    if (v != 0.0) return true;
  }
  return false;
}

// elu(x) + 1: x + 1 above 0, e^x below.
template <class T>
Mat<T> elu_plus_one(const Mat<T>& x) {
  return (x.array() > T(0)).select(x.array() + T(1), x.array().exp()).matrix();
}

// log phi_r(x_i) up to a constant: w_r.x_i - |x_i|^2/2, #rows x M.
template <class T>
Mat<T> log_features(const Mat<T>& x, const Mat<T>& directions) {
  Mat<T> out = x * directions.transpose();
  out.colwise() -= (x.rowwise().squaredNorm() * T(0.5));
  return out;
}

template <class T>
FeatureMaps<T> random_features(const Method& method, Mat<T> a, Mat<T> b, const AttentionSpec& spec,
                               const Perturbation& p) {
  // Per-key factors, in the log domain: the distance form's -|b_j|^2/2 and e^{alpha c_j}.
  Vec<T> key_terms = Vec<T>::Zero(b.rows());
  if (spec.score == ScoreKind::NegSqDist) key_terms -= b.rowwise().squaredNorm() * T(0.5);
  if (!p.column_shifts.empty()) {
    for (Index j = 0; j < b.rows(); ++j) {
      key_terms(j) += static_cast<T>(spec.alpha * p.column_shifts[static_cast<std::size_t>(j)]);
    }
  }
  if (p.shift != 0.0) {
    // The shared component g.g = alpha M, orthogonal to the data: one more coordinate.
    const double root = std::sqrt(std::abs(spec.alpha * p.shift));
    a.conservativeResize(Eigen::NoChange, a.cols() + 1);
    b.conservativeResize(Eigen::NoChange, b.cols() + 1);
    a.col(a.cols() - 1).setConstant(static_cast<T>(spec.alpha * p.shift < 0.0 ? -root : root));
    b.col(b.cols() - 1).setConstant(static_cast<T>(root));
  }
  const Mat<T> directions = random_feature_directions(method, a.cols()).template cast<T>();
  FeatureMaps<T> out;
  out.queries = log_features(a, directions);
  out.keys = log_features(b, directions);
  out.keys.colwise() += key_terms;
  // Shift before exponentiating: each query by its largest log-feature, the keys by their largest
  // over all: factors that cancel in w = phi(a).phi(b) / sum. (A NaN input stays NaN: flagged.)
  // (The 1/sqrt(M) factors cancel in the ratio too: they are in the offsets, for kernels.)
  const T log_scale = static_cast<T>(-0.5 * std::log(static_cast<double>(directions.rows())));
  out.query_log_offset = out.queries.rowwise().maxCoeff();
  out.queries.colwise() -= out.query_log_offset;
  out.queries = out.queries.array().exp().matrix();
  out.query_log_offset.array() += log_scale;
  out.key_log_offset = out.keys.maxCoeff();
  out.keys.array() -= out.key_log_offset;
  out.keys = out.keys.array().exp().matrix();
  out.key_log_offset += log_scale;
  return out;
}

}  // namespace

std::string perturbation_refusal(const AttentionSpec& spec, const Perturbation& p) {
  if (spec.method.is_feature_map() && spec.mask_arrays && spec.mask_arrays->has_bias()) {
    return spec.method.spec() +
           " is computed from the vectors by its feature map: a model's additive bias, a term "
           "of the score, cannot reach it";
  }
  if (spec.method.kind != MethodKind::LinearAttention) return {};
  // linear-attn takes no score, so the score's additive terms have nowhere to go.
  std::string what;
  if (spec.score == ScoreKind::NegSqDist) {
    what = "the neg-sqdist score (a distance is no product of a query factor and a key factor)";
  } else if (p.shift != 0.0) {
    what = "a constant shift M of the scores";
  } else if (any_nonzero(p.row_shifts)) {
    what = "per-row shifts of the scores";
  } else if (any_nonzero(p.column_shifts)) {
    what = "per-column shifts of the scores";
  } else if (p.has_score_noise()) {
    what = "noise on each score";
  }
  if (what.empty()) return {};
  return spec.method.spec() + " is phi(q).phi(k), computed from the vectors with no score: " + what +
         " cannot reach it (vector noise and the scale can)";
}

MatD random_feature_directions(const Method& method, Index dimension) {
  if (method.kind != MethodKind::RandomFeatures) {
    throw UsageError(method.spec() + " has no random features");
  }
  const auto count = static_cast<Index>(method.parameter);
  MatD out(count, dimension);
  for (Index r = 0; r < count; ++r) {
    Rng rng(method.seed, kFeatureStream, static_cast<std::uint64_t>(r));
    for (Index k = 0; k < dimension; ++k) out(r, k) = rng.normal();
  }
  return out;
}

template <class T>
FeatureMaps<T> feature_maps(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& p) {
  const Method& method = spec.method;
  if (!method.is_feature_map()) throw UsageError(method.spec() + " is no feature-map method");
  if (const std::string refusal = perturbation_refusal(spec, p); !refusal.empty()) throw UsageError(refusal);
  validate_vectors(vectors);
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows(), d = vectors.dimension();
  const Index features = method.kind == MethodKind::LinearAttention ? d : static_cast<Index>(method.parameter);
  detail::check_plan_inputs(vectors, p, array_bytes({3, n + m, d + 1 + features}, sizeof(T)));

  detail::PreparedVectors<T> prepared = detail::prepare_vectors(vectors, spec.score, spec.centre, p);
  const double c = product_scale(spec, p, d);
  const T root = static_cast<T>(std::sqrt(std::abs(c)));
  Mat<T> a = prepared.left * (c < 0.0 ? -root : root);
  Mat<T> b = prepared.right * root;
  if (method.kind == MethodKind::LinearAttention) {
    return {elu_plus_one(a), elu_plus_one(b), Vec<T>::Zero(a.rows()), T(0)};
  }
  return random_features(method, std::move(a), std::move(b), spec, p);
}

template <class T>
Mat<T> feature_map_outputs(const Vectors<T>& vectors, const AttentionSpec& spec, const Mat<T>& values,
                           const Perturbation& p) {
  if (p.has_score_noise()) {
    throw UsageError(spec.method.spec() +
                     ": noise on each score is a factor per query and key, so the outputs "
                     "need the weights (compute W)");
  }
  if (spec.mask_arrays && spec.mask_arrays->blocks_any()) {
    throw UsageError(spec.method.spec() +
                     ": the outputs without W take the none or causal rule only, not a model's "
                     "blocked keys (compute W)");
  }
  const FeatureMaps<T> f = feature_maps(vectors, spec, p);
  const Index n = f.queries.rows(), m = f.keys.rows(), D = f.keys.cols();
  if (values.rows() != m) {
    throw InputError("values have " + std::to_string(values.rows()) + " rows but there are " + std::to_string(m) +
                     " keys");
  }
  Mat<T> out(n, values.cols());
  Mat<T> kv = Mat<T>::Zero(D, values.cols());  // sum_j phi(b_j) v_j^T over the keys seen
  Vec<T> z = Vec<T>::Zero(D);                  // sum_j phi(b_j)
  if (spec.mask == Mask::None) {
    kv.noalias() = f.keys.transpose() * values;
    z = f.keys.colwise().sum().transpose();
  }
  for (Index i = 0; i < n; ++i) {
    if (spec.mask == Mask::Causal && i < m) {
      kv.noalias() += f.keys.row(i).transpose() * values.row(i);
      z += f.keys.row(i).transpose();
    }
    const T normaliser = f.queries.row(i).dot(z);
    if (!(normaliser > T(0)) || !std::isfinite(normaliser)) {
      out.row(i).setConstant(std::numeric_limits<T>::quiet_NaN());
    } else {
      out.row(i).noalias() = (f.queries.row(i) * kv) / normaliser;
    }
  }
  return out;
}

namespace detail {

template <class T>
ScorePlan<T> make_weight_plan(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& p,
                              bool holds_matrix) {
  check_method_mask(spec.method, spec.mask);
  if (!spec.method.is_feature_map()) return make_score_plan(vectors, spec, p, holds_matrix);
  validate_vectors(vectors);
  const Index n = vectors.queries.rows(), m = vectors.key_vectors().rows();
  if (holds_matrix) {
    check_matrix_size(n, m, "weight matrix");
    check_memory_budget(array_bytes({n, m}, sizeof(T)), "a weight matrix of " + std::to_string(n) + " x " +
                                                            std::to_string(m) +
                                                            (sizeof(T) == 4 ? " in float32" : " in float64"));
  }
  FeatureMaps<T> f = feature_maps(vectors, spec, p);
  ScorePlan<T> plan;
  plan.left = std::move(f.queries);
  plan.right = pack_plan_keys(f.keys);
  plan.mask = spec.mask;  // causal: the kernel above the diagonal is never computed
  if (p.has_score_noise()) {
    plan.noise_sd = static_cast<T>(spec.alpha * p.score_noise_rms);
    plan.multiplicative_noise = true;
    plan.seed = p.seed;
    plan.draw = p.draw;
  }
  return plan;
}

}  // namespace detail

#define ATTN_INSTANTIATE(T)                                                                                            \
  template FeatureMaps<T> feature_maps(const Vectors<T>&, const AttentionSpec&, const Perturbation&);                  \
  template Mat<T> feature_map_outputs(const Vectors<T>&, const AttentionSpec&, const Mat<T>&, const Perturbation&);    \
  template detail::ScorePlan<T> detail::make_weight_plan(const Vectors<T>&, const AttentionSpec&, const Perturbation&, \
                                                         bool);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn
