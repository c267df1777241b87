#include "attn/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "attn/errors.hpp"
#include "attn/parallel.hpp"
#include "attn/random.hpp"
#include "matrix_normalization.hpp"
#include "row_kernels.hpp"
#include "tiling.hpp"

namespace attn {
namespace {

// ---- The product of a tile of queries with all keys, written straight into the result. ----
//
// A register-blocked kernel rather than Eigen's GEMM, which for every tile zeroes the destination,
// repacks all the keys and then reads the destination back to add the product. Here the keys are
// packed once per call into panels, and each block of kBlockRows queries x one panel of keys
// accumulates in registers and is stored once (measured, exp weights at d = 64 on 2 threads:
// 23 -> 20 ms at n = 4096, 3.8 -> 3.1 ms at n = 2048). Every score is the same chain of
// multiply-adds over the dimensions in order, s = q_i0 k_j0 + 0, s = q_i1 k_j1 + s, ... (fused
// where the CPU has FMA), whatever the tile, block or thread: no result depends on how the work
// is split.
namespace product {

template <class T>
using Packet = typename Eigen::internal::packet_traits<T>::type;
template <class T>
constexpr Index kLanes = Eigen::internal::unpacket_traits<Packet<T>>::size;
// Accumulators: kBlockRows x kPanelPackets packets, 24 of AVX-512's 32 registers (12 of 16
// elsewhere), plus the panel's row and a broadcast query entry.
constexpr int kPanelPackets = 4;
constexpr int kBlockRows = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 6 : 3;
template <class T>
constexpr Index kPanelCols = kPanelPackets * kLanes<T>;

// The keys (scaled), transposed into panels of kPanelCols columns: panel p holds, dimension by
// dimension, the entries of keys p*W .. p*W + W - 1 contiguously (zeros past the last key).
template <class T>
struct KeyPanels {
  Vec<T> data;
  Index keys = 0, dimension = 0;

  Index count() const { return (keys + kPanelCols<T> - 1) / kPanelCols<T>; }
  const T* panel(Index p) const { return data.data() + p * dimension * kPanelCols<T>; }
};

template <class T>
KeyPanels<T> pack_keys(const Mat<T>& keys, T scale) {
  constexpr Index W = kPanelCols<T>;
  KeyPanels<T> out;
  out.keys = keys.rows();
  out.dimension = keys.cols();
  out.data = Vec<T>::Zero(out.count() * out.dimension * W);
  for (Index j = 0; j < out.keys; ++j) {
    T* dst = out.data.data() + (j / W) * out.dimension * W + j % W;
    for (Index k = 0; k < out.dimension; ++k) dst[k * W] = keys(j, k) * scale;
  }
  return out;
}

// out[r][c] = sum_k q[r][k] panel[k][c] for R rows of queries (stride ldq) and the first `cols`
// columns of one panel, into rows of stride ldo.
template <class T, int R>
void block(const T* q, Index ldq, const T* panel, Index dimension, T* out, Index ldo, Index cols) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>, W = kPanelCols<T>;
  P acc[R][kPanelPackets];
  for (int r = 0; r < R; ++r) {
    for (int u = 0; u < kPanelPackets; ++u) acc[r][u] = ei::pset1<P>(T(0));
  }
  for (Index k = 0; k < dimension; ++k) {
    P b[kPanelPackets];
    for (int u = 0; u < kPanelPackets; ++u) b[u] = ei::ploadu<P>(panel + k * W + u * L);
    for (int r = 0; r < R; ++r) {
      const P a = ei::pset1<P>(q[r * ldq + k]);
      for (int u = 0; u < kPanelPackets; ++u) acc[r][u] = ei::pmadd(a, b[u], acc[r][u]);
    }
  }
  if (cols == W) {
    for (int r = 0; r < R; ++r) {
      for (int u = 0; u < kPanelPackets; ++u) ei::pstoreu(out + r * ldo + u * L, acc[r][u]);
    }
    return;
  }
  T last[W];
  for (int r = 0; r < R; ++r) {
    for (int u = 0; u < kPanelPackets; ++u) ei::pstoreu(last + u * L, acc[r][u]);
    std::copy(last, last + cols, out + r * ldo);
  }
}

// The last rows of a tile, fewer than kBlockRows.
template <class T, int R>
void remainder_block(Index rows, const T* q, Index ldq, const T* panel, Index dimension, T* out,
                     Index ldo, Index cols) {
  if constexpr (R > 0) {
    if (rows == R) return block<T, R>(q, ldq, panel, dimension, out, ldo, cols);
    remainder_block<T, R - 1>(rows, q, ldq, panel, dimension, out, ldo, cols);
  }
}

// out rows [begin, end) = left rows [begin, end) times the packed keys. Panel by panel, so a
// panel (d x W: 16 KiB for float at d = 64) stays in L1 while every block of rows of the tile
// uses it.
template <class T>
void tile(const Mat<T>& left, const KeyPanels<T>& keys, Index begin, Index end, Mat<T>& out) {
  constexpr Index W = kPanelCols<T>;
  const Index d = keys.dimension, m = keys.keys;
  for (Index p = 0; p < keys.count(); ++p) {
    const T* panel = keys.panel(p);
    const Index cols = std::min(W, m - p * W);
    Index i = begin;
    for (; i + kBlockRows <= end; i += kBlockRows) {
      block<T, kBlockRows>(left.row(i).data(), d, panel, d, out.row(i).data() + p * W, m, cols);
    }
    if (i < end) {
      remainder_block<T, kBlockRows - 1>(end - i, left.row(i).data(), d, panel, d,
                                         out.row(i).data() + p * W, m, cols);
    }
  }
}

}  // namespace product

// Everything needed to turn the matrix product of a tile into final scores.
template <class T>
struct ScorePlan {
  Mat<T> left;         // #queries by d: the (noisy; for cosine, normalised) queries
  product::KeyPanels<T> right;  // the keys, pre-multiplied by `product_scale`, packed
  bool distance = false;     // neg-sqdist: subtract half squared norms, clamp at 0, then scale
  Vec<T> half_sq_left;       // |q_i|^2 / 2 (distance only)
  Vec<T> half_sq_right;      // |k_j|^2 / 2 (distance only)
  T distance_scale = T(1);   // alpha * lambda (distance only)
  Vec<T> row_offset;         // alpha * (M + r_i), empty when zero
  Vec<T> column_offset;      // alpha * c_j, empty when zero
  T noise_sd = T(0);         // alpha * sigma
  std::uint64_t seed = 0, draw = 0;
};

// Results at least this large are backed by transparent huge pages where the OS offers them.
constexpr std::size_t kHugePageAdviceBytes = std::size_t(4) << 20;

// Sizes `out` as a #rows x #cols result, uninitialised, for the tiles to write once each.
//
// A fresh n x n result costs page faults: at 4096 x 4096 floats (64 MiB, a new mapping at every
// call) the kernel maps and clears 16384 pages of 4 KiB on first touch. On Linux the buffer is
// therefore advised MADV_HUGEPAGE before anything touches it, so the first touch of each 2 MiB
// maps one huge page (measured, exp weights at d = 64 on 2 threads: 32 -> 23 ms per call at
// n = 4096). Only a hint about how to back the pages: the contents and ownership are those of an
// ordinary Eigen matrix, and if the advice fails or THP is disabled ordinary pages are used. The
// range is rounded outwards to whole pages, which may cover neighbouring heap bytes; the advice
// does not change their contents.
template <class T>
void allocate_result(Mat<T>& out, Index rows, Index cols) {
  out.resize(rows, cols);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const std::size_t bytes = static_cast<std::size_t>(out.size()) * sizeof(T);
  if (bytes < kHugePageAdviceBytes) return;
  const long page_size = sysconf(_SC_PAGESIZE);
  if (page_size <= 0) return;
  const auto page = static_cast<std::uintptr_t>(page_size);
  const auto begin = reinterpret_cast<std::uintptr_t>(out.data());
  const std::uintptr_t first = begin / page * page;
  const std::uintptr_t last = (begin + bytes + page - 1) / page * page;
  (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
}

template <class T>
void normalize_rows_l2(Mat<T>& x) {
  for (Index i = 0; i < x.rows(); ++i) {
    const T norm = x.row(i).norm();
    // A zero vector has no direction: its cosine with anything is taken as 0.
    if (norm > T(0)) x.row(i) /= norm;
  }
}

template <class T>
ScorePlan<T> make_plan(const Vectors<T>& clean, ScoreKind kind, double alpha, bool centre, const Perturbation& p) {
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
  if (centre) {
    // After the noise, so a shared g (in every vector, hence in their mean) is removed.
    plan.left.rowwise() -= plan.left.colwise().mean();
    right.rowwise() -= right.colwise().mean();
  }
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
  plan.right = product::pack_keys(right, static_cast<T>(product_scale));

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
  product::tile(plan.left, plan.right, begin, end, out);
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
  AttentionSpec spec;
  spec.score = score;
  spec.alpha = alpha;
  return compute_scores(vectors, spec, perturbation);
}

template <class T>
Mat<T> compute_scores(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation) {
  const ScorePlan<T> plan = make_plan(vectors, spec.score, spec.alpha, spec.centre, perturbation);
  const Index n = plan.left.rows(), m = plan.right.keys;
  Mat<T> out;
  allocate_result(out, n, m);
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
    return weights_from_scores(compute_scores(vectors, spec, perturbation), spec.method, spec.mask);
  }
  const ScorePlan<T> plan = make_plan(vectors, spec.score, spec.alpha, spec.centre, perturbation);
  const Index n = plan.left.rows(), m = plan.right.keys;
  Weights<T> result;
  allocate_result(result.matrix, n, m);
  result.rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  parallel_for(detail::tile_count(n), [&](Index tile) {
    const auto [begin, end] = detail::tile_rows(tile, n);
    fill_score_tile(plan, begin, end, result.matrix);
    detail::RowScratch scratch;
    for (Index i = begin; i < end; ++i) {
      result.rows[static_cast<std::size_t>(i)] =
          detail::apply_row_method(result.matrix.row(i).data(), detail::valid_keys(spec.mask, i, m),
                                   m, spec.method, scratch, spec.subtract_max);
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
  template Mat<T> compute_scores(const Vectors<T>&, const AttentionSpec&, const Perturbation&);  \
  template Weights<T> compute_weights(const Vectors<T>&, const AttentionSpec&, const Perturbation&);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn
