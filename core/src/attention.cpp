#include "attn/attention.hpp"

#include <cmath>
#include <string>

#include "attn/errors.hpp"
#include "attn/parallel.hpp"
#include "attn/random.hpp"
#include "matrix_normalization.hpp"
#include "row_kernels.hpp"
#include "tiling.hpp"

namespace attn {
namespace {

// Everything needed to turn the matrix product of a tile into final scores.
template <class T>
struct ScorePlan {
  Mat<T> left;         // #queries by d: the (noisy; for cosine, normalised) queries
  Mat<T> right_t;      // d by #keys: keys transposed, pre-multiplied by `product_scale`
  bool distance = false;     // neg-sqdist: subtract half squared norms, clamp at 0, then scale
  Vec<T> half_sq_left;       // |q_i|^2 / 2 (distance only)
  Vec<T> half_sq_right;      // |k_j|^2 / 2 (distance only)
  T distance_scale = T(1);   // alpha * lambda (distance only)
  Vec<T> row_offset;         // alpha * (M + r_i), empty when zero
  Vec<T> column_offset;      // alpha * c_j, empty when zero
  T noise_sd = T(0);         // alpha * sigma
  std::uint64_t seed = 0, draw = 0;
};

template <class T>
void normalize_rows_l2(Mat<T>& x) {
  for (Index i = 0; i < x.rows(); ++i) {
    const T norm = x.row(i).norm();
    // A zero vector has no direction: its cosine with anything is taken as 0.
    if (norm > T(0)) x.row(i) /= norm;
  }
}

template <class T>
ScorePlan<T> make_plan(const Vectors<T>& clean, ScoreKind kind, double alpha, const Perturbation& p) {
  validate_vectors(clean);
  const Index n = clean.queries.rows();
  const Index m = clean.key_vectors().rows();
  const Index d = clean.dimension();
  check_matrix_size(n, m, "score matrix");
  if (!p.row_shifts.empty() && static_cast<Index>(p.row_shifts.size()) != n) {
    throw InputError("per-row shifts: " + std::to_string(p.row_shifts.size()) +
                     " values for " + std::to_string(n) + " queries");
  }
  if (!p.column_shifts.empty() && static_cast<Index>(p.column_shifts.size()) != m) {
    throw InputError("per-column shifts: " + std::to_string(p.column_shifts.size()) +
                     " values for " + std::to_string(m) + " keys");
  }

  const Vectors<T> noisy = p.has_vector_noise() ? apply_vector_noise(clean, p) : Vectors<T>{};
  const Vectors<T>& v = p.has_vector_noise() ? noisy : clean;

  ScorePlan<T> plan;
  plan.left = v.queries;
  Mat<T> right = v.key_vectors();
  const double scaled_alpha = alpha * p.scale;
  double product_scale = scaled_alpha;
  switch (kind) {
    case ScoreKind::Dot: break;
    case ScoreKind::ScaledDot: product_scale /= std::sqrt(static_cast<double>(d)); break;
    case ScoreKind::Cosine:
      normalize_rows_l2(plan.left);
      normalize_rows_l2(right);
      break;
    case ScoreKind::NegSqDist:
      plan.distance = true;
      product_scale = 1.0;
      plan.distance_scale = static_cast<T>(scaled_alpha);
      plan.half_sq_left = plan.left.rowwise().squaredNorm() * T(0.5);
      plan.half_sq_right = right.rowwise().squaredNorm() * T(0.5);
      break;
  }
  plan.right_t = (right * static_cast<T>(product_scale)).transpose();

  if (p.shift != 0.0 || !p.row_shifts.empty()) {
    plan.row_offset.resize(n);
    for (Index i = 0; i < n; ++i) {
      const double r = p.row_shifts.empty() ? 0.0 : p.row_shifts[static_cast<std::size_t>(i)];
      plan.row_offset(i) = static_cast<T>(alpha * (p.shift + r));
    }
  }
  if (!p.column_shifts.empty()) {
    plan.column_offset.resize(m);
    for (Index j = 0; j < m; ++j) {
      plan.column_offset(j) = static_cast<T>(alpha * p.column_shifts[static_cast<std::size_t>(j)]);
    }
  }
  plan.noise_sd = static_cast<T>(alpha * p.score_noise_rms);
  plan.seed = p.seed;
  plan.draw = p.draw;
  return plan;
}

// Writes the final scores of rows [begin, end) into out.
template <class T>
void fill_score_tile(const ScorePlan<T>& plan, Index begin, Index end, Mat<T>& out) {
  const Index rows = end - begin;
  out.middleRows(begin, rows).noalias() = plan.left.middleRows(begin, rows) * plan.right_t;
  for (Index i = begin; i < end; ++i) {
    auto row = out.row(i).array();
    if (plan.distance) {
      // -|q - k|^2 / 2 = q.k - |q|^2/2 - |k|^2/2 <= 0; clamp the rounding error that crosses 0.
      row = (row - plan.half_sq_left(i) - plan.half_sq_right.transpose().array()).min(T(0)) *
            plan.distance_scale;
    }
    if (plan.row_offset.size() > 0) row += plan.row_offset(i);
    if (plan.column_offset.size() > 0) row += plan.column_offset.transpose().array();
    if (plan.noise_sd > T(0)) {
      Rng rng(plan.seed, plan.draw,
              noise_stream::substream(noise_stream::kScore, static_cast<std::uint64_t>(i)));
      for (Index j = 0; j < row.size(); ++j) row(j) += plan.noise_sd * static_cast<T>(rng.normal());
    }
  }
}

template <class T>
void add_noise_rows(Mat<T>& x, const Vec<T>& shared, double local_rms, std::uint64_t seed,
                    std::uint64_t draw, std::uint64_t purpose) {
  parallel_for(detail::tile_count(x.rows()), [&](Index tile) {
    const auto [begin, end] = detail::tile_rows(tile, x.rows());
    for (Index i = begin; i < end; ++i) {
      x.row(i) += shared.transpose();
      if (local_rms > 0.0) {
        Rng rng(seed, draw, noise_stream::substream(purpose, static_cast<std::uint64_t>(i)));
        for (Index k = 0; k < x.cols(); ++k) x(i, k) += static_cast<T>(local_rms * rng.normal());
      }
    }
  });
}

}  // namespace

template <class T>
void validate_vectors(const Vectors<T>& vectors) {
  if (vectors.queries.rows() == 0 || vectors.queries.cols() == 0) {
    throw InputError("no query vectors (the input has " + std::to_string(vectors.queries.rows()) +
                     " rows and " + std::to_string(vectors.queries.cols()) + " columns)");
  }
  if (vectors.keys) {
    if (vectors.keys->rows() == 0) throw InputError("no key vectors");
    if (vectors.keys->cols() != vectors.queries.cols()) {
      throw InputError("keys have dimension " + std::to_string(vectors.keys->cols()) +
                       " but queries have dimension " + std::to_string(vectors.queries.cols()));
    }
  }
}

void check_matrix_size(Index rows, Index cols, const char* what) {
  if (rows > 0 && cols > kMaxMatrixElements / rows) {
    throw InputError(std::string(what) + " of " + std::to_string(rows) + " x " +
                     std::to_string(cols) + " is too large (limit: " +
                     std::to_string(kMaxMatrixElements) + " elements)");
  }
}

template <class T>
Vectors<T> apply_vector_noise(const Vectors<T>& clean, const Perturbation& p) {
  const Index d = clean.dimension();
  Vec<T> g = Vec<T>::Zero(d);
  if (p.global_rms > 0.0) {
    Rng rng(p.seed, p.draw, noise_stream::substream(noise_stream::kGlobal, 0));
    for (Index k = 0; k < d; ++k) g(k) = static_cast<T>(p.global_rms * rng.normal());
  }
  const bool noisy_queries = p.noise_target != NoiseTarget::Keys;
  const bool noisy_keys = p.noise_target != NoiseTarget::Queries;

  Vectors<T> out;
  out.queries = clean.queries;
  if (clean.self_attention()) {
    // One set of vectors: the noisy x~_i plays whichever roles the target names.
    Mat<T> noisy = clean.queries;
    add_noise_rows(noisy, g, p.local_rms, p.seed, p.draw, noise_stream::kQueryLocal);
    if (noisy_queries && noisy_keys) {
      out.queries = std::move(noisy);
    } else if (noisy_queries) {
      out.keys = clean.queries;
      out.queries = std::move(noisy);
    } else {
      out.keys = std::move(noisy);
    }
    return out;
  }
  out.keys = *clean.keys;
  if (noisy_queries) add_noise_rows(out.queries, g, p.local_rms, p.seed, p.draw, noise_stream::kQueryLocal);
  if (noisy_keys) add_noise_rows(*out.keys, g, p.local_rms, p.seed, p.draw, noise_stream::kKeyLocal);
  return out;
}

template <class T>
Mat<T> compute_scores(const Vectors<T>& vectors, ScoreKind score, double alpha,
                      const Perturbation& perturbation) {
  const ScorePlan<T> plan = make_plan(vectors, score, alpha, perturbation);
  const Index n = plan.left.rows();
  Mat<T> out(n, plan.right_t.cols());
  parallel_for(detail::tile_count(n), [&](Index tile) {
    const auto [begin, end] = detail::tile_rows(tile, n);
    fill_score_tile(plan, begin, end, out);
  });
  return out;
}

template <class T>
Weights<T> compute_weights(const Vectors<T>& vectors, const AttentionSpec& spec,
                           const Perturbation& perturbation) {
  if (!spec.method.is_row_wise()) {
    return weights_from_scores(compute_scores(vectors, spec.score, spec.alpha, perturbation),
                               spec.method, spec.mask);
  }
  const ScorePlan<T> plan = make_plan(vectors, spec.score, spec.alpha, perturbation);
  const Index n = plan.left.rows(), m = plan.right_t.cols();
  Weights<T> result;
  result.matrix.resize(n, m);
  result.rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  parallel_for(detail::tile_count(n), [&](Index tile) {
    const auto [begin, end] = detail::tile_rows(tile, n);
    fill_score_tile(plan, begin, end, result.matrix);
    detail::RowScratch scratch;
    for (Index i = begin; i < end; ++i) {
      result.rows[static_cast<std::size_t>(i)] =
          detail::apply_row_method(result.matrix.row(i).data(), detail::valid_keys(spec.mask, i, m),
                                   m, spec.method, scratch);
    }
  });
  return result;
}

bool Perturbation::is_identity() const {
  auto all_zero = [](const std::vector<double>& v) {
    for (double x : v) {
      if (x != 0.0) return false;
    }
    return true;
  };
  return shift == 0.0 && scale == 1.0 && all_zero(row_shifts) && all_zero(column_shifts) &&
         !has_score_noise() && !has_vector_noise();
}

NoiseTarget parse_noise_target(std::string_view name) {
  if (name == "queries") return NoiseTarget::Queries;
  if (name == "keys") return NoiseTarget::Keys;
  if (name == "both") return NoiseTarget::Both;
  throw UsageError("unknown noise target '" + std::string(name) + "' (choose queries, keys or both)");
}

std::string_view noise_target_name(NoiseTarget target) {
  switch (target) {
    case NoiseTarget::Queries: return "queries";
    case NoiseTarget::Keys: return "keys";
    case NoiseTarget::Both: return "both";
  }
  return "?";
}

#define ATTN_INSTANTIATE(T)                                                                      \
  template void validate_vectors(const Vectors<T>&);                                             \
  template Vectors<T> apply_vector_noise(const Vectors<T>&, const Perturbation&);                \
  template Mat<T> compute_scores(const Vectors<T>&, ScoreKind, double, const Perturbation&);     \
  template Weights<T> compute_weights(const Vectors<T>&, const AttentionSpec&, const Perturbation&);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn
