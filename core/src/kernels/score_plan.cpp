#include "kernels/score_plan.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/random.hpp"
#include "kernels/masked_rows.hpp"

namespace attn::detail {
// ---- The product of a range of queries with all keys, written once into a buffer. ----
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
KeyPanels<T> pack_keys(const Mat<T>& keys, T scale) {
  constexpr Index W = kPanelCols<T>;
  KeyPanels<T> out;
  out.keys = keys.rows();
  out.dimension = keys.cols();
  if (KeyPanels<T>::padding_dominates(out.keys)) {
    out.unpacked = keys * scale;
    return out;
  }
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
void remainder_block(Index rows, const T* q, Index ldq, const T* panel, Index dimension, T* out, Index ldo,
                     Index cols) {
  if constexpr (R > 0) {
    if (rows == R) return block<T, R>(q, ldq, panel, dimension, out, ldo, cols);
    remainder_block<T, R - 1>(rows, q, ldq, panel, dimension, out, ldo, cols);
  }
}

// q . k over d entries in a fixed order from the first (two packet accumulators, then the rest),
// whatever the addresses.
template <class T>
T dot_from_start(const T* q, const T* k, Index d) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Index L = kLanes<T>;
  P acc0 = ei::pset1<P>(T(0)), acc1 = acc0;
  Index i = 0;
  for (; i + 2 * L <= d; i += 2 * L) {
    acc0 = ei::pmadd(ei::ploadu<P>(q + i), ei::ploadu<P>(k + i), acc0);
    acc1 = ei::pmadd(ei::ploadu<P>(q + i + L), ei::ploadu<P>(k + i + L), acc1);
  }
  T sum = ei::predux(ei::padd(acc0, acc1));
  for (; i < d; ++i) sum += q[i] * k[i];
  return sum;
}

// Rows [begin, end) of left times the packed keys, into dst (query begin + r at dst + r * ld).
// Panel by panel, so a panel (d x W: 16 KiB for float at d = 64) stays in L1 while every block
// of rows uses it. `causal`: row i needs keys 0..i only, so panel p (keys pW .. pW + W - 1) is
// multiplied by rows pW .. end - 1 alone, and the panels past the last row not at all. Where a
// block of rows starts does not change a score (each is the same chain of multiply-adds).
template <class T>
void tile(const Mat<T>& left, const KeyPanels<T>& keys, Index begin, Index end, T* dst, Index ld, bool causal) {
  constexpr Index W = kPanelCols<T>;
  const Index d = keys.dimension, m = keys.keys;
  if (keys.unpacked.rows() == m && KeyPanels<T>::padding_dominates(m)) {
    for (Index i = begin; i < end; ++i) {
      const Index scored = causal ? std::min(i + 1, m) : m;
      for (Index j = 0; j < scored; ++j) {
        dst[(i - begin) * ld + j] = dot_from_start(left.row(i).data(), keys.unpacked.row(j).data(), d);
      }
    }
    return;
  }
  for (Index p = 0; p < keys.count(); ++p) {
    const T* panel = keys.panel(p);
    const Index cols = std::min(W, m - p * W);
    const Index first = causal ? std::max(begin, p * W) : begin;
    if (first >= end) break;  // causal: this panel and every later one lie above the diagonal
    Index i = first;
    for (; i + kBlockRows <= end; i += kBlockRows) {
      block<T, kBlockRows>(left.row(i).data(), d, panel, d, dst + (i - begin) * ld + p * W, ld, cols);
    }
    if (i < end) {
      remainder_block<T, kBlockRows - 1>(end - i, left.row(i).data(), d, panel, d, dst + (i - begin) * ld + p * W, ld,
                                         cols);
    }
  }
}

}  // namespace product

namespace {

template <class T>
void normalize_rows_l2(Mat<T>& x) {
  for (Index i = 0; i < x.rows(); ++i) {
    const T norm = x.row(i).norm();
    // A zero vector has no direction: its cosine with anything is taken as 0.
    if (norm > T(0)) x.row(i) /= norm;
  }
}

// What a plan and its result allocate: the queries and keys (copied, and noisy copies), the keys
// packed into panels (padded to whole panels: with few keys this grows with d, not with m) and
// the n x result_cols result.
template <class T>
std::uint64_t plan_bytes(Index n, Index result_cols, Index m, Index d, bool noisy) {
  const Index panels = (m + product::kPanelCols<T> - 1) / product::kPanelCols<T>;
  std::uint64_t bytes = array_bytes({n + m, d}, sizeof(T));
  if (noisy) bytes = add_bytes(bytes, array_bytes({n + m, d}, sizeof(T)));
  const Index packed_keys = product::KeyPanels<T>::padding_dominates(m) ? m : panels * product::kPanelCols<T>;
  bytes = add_bytes(bytes, array_bytes({packed_keys, d}, sizeof(T)));
  return add_bytes(bytes, array_bytes({n, result_cols}, sizeof(T)));
}

}  // namespace

template <class T>
void check_plan_inputs(const Vectors<T>& clean, const Perturbation& p, std::uint64_t bytes) {
  validate_vectors(clean);
  const Index n = clean.queries.rows();
  const Index m = clean.key_vectors().rows();
  const Index d = clean.dimension();
  check_memory_budget(bytes, "attention of " + std::to_string(n) + " queries and " + std::to_string(m) +
                                 " keys of dimension " + std::to_string(d) +
                                 (sizeof(T) == 4 ? " in float32" : " in float64"));
  if (!p.row_shifts.empty() && static_cast<Index>(p.row_shifts.size()) != n) {
    throw InputError("per-row shifts: " + std::to_string(p.row_shifts.size()) + " values for " + std::to_string(n) +
                     " queries");
  }
  if (!p.column_shifts.empty() && static_cast<Index>(p.column_shifts.size()) != m) {
    throw InputError("per-column shifts: " + std::to_string(p.column_shifts.size()) + " values for " +
                     std::to_string(m) + " keys");
  }
}

template <class T>
PreparedVectors<T> prepare_vectors(const Vectors<T>& clean, ScoreKind kind, bool centre, const Perturbation& p) {
  const Vectors<T> noisy = p.has_vector_noise() ? apply_vector_noise(clean, p) : Vectors<T>{};
  const Vectors<T>& v = p.has_vector_noise() ? noisy : clean;
  PreparedVectors<T> out;
  out.left = v.queries;
  out.right = v.key_vectors();
  if (centre) {
    // After the noise, so a shared g (in every vector, hence in their mean) is removed.
    out.left.rowwise() -= out.left.colwise().mean();
    out.right.rowwise() -= out.right.colwise().mean();
  }
  if (kind == ScoreKind::Cosine) {
    normalize_rows_l2(out.left);
    normalize_rows_l2(out.right);
  }
  return out;
}

template <class T>
ScorePlan<T> make_score_plan(const Vectors<T>& clean, ScoreKind kind, double alpha, bool centre, const Perturbation& p,
                             bool holds_matrix) {
  validate_vectors(clean);
  const Index n = clean.queries.rows();
  const Index m = clean.key_vectors().rows();
  const Index d = clean.dimension();
  if (holds_matrix) check_matrix_size(n, m, "score matrix");
  check_plan_inputs(clean, p, plan_bytes<T>(n, holds_matrix ? m : 0, m, d, p.has_vector_noise()));

  PreparedVectors<T> prepared = prepare_vectors(clean, kind, centre, p);
  ScorePlan<T> plan;
  plan.left = std::move(prepared.left);
  Mat<T> right = std::move(prepared.right);
  const double scaled_alpha = alpha * p.scale;
  double product_scale = scaled_alpha;
  switch (kind) {
    case ScoreKind::Dot: break;
    case ScoreKind::ScaledDot: product_scale /= std::sqrt(static_cast<double>(d)); break;
    case ScoreKind::Cosine: break;  // the vectors are unit vectors (prepare_vectors)
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

template <class T>
ScorePlan<T> make_score_plan(const Vectors<T>& clean, const AttentionSpec& spec, const Perturbation& p,
                             bool holds_matrix) {
  ScorePlan<T> plan = make_score_plan(clean, spec.score, spec.alpha, spec.centre, p, holds_matrix);
  if (spec.mask_arrays) {
    spec.mask_arrays->check_extents(plan.queries(), plan.keys());
    if (spec.mask_arrays->has_bias()) {
      plan.bias = spec.mask_arrays.get();
      plan.bias_scale = spec.alpha * p.scale;
    }
  }
  plan.mask = spec.mask;
  return plan;
}

template <class T>
void score_rows(const ScorePlan<T>& plan, Index begin, Index end, T* dst, Index ld) {
  product::tile(plan.left, plan.right, begin, end, dst, ld, plan.mask == Mask::Causal);
  for (Index i = begin; i < end; ++i) {
    const Index scored = plan.scored_keys(i);
    auto row = Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>>(dst + (i - begin) * ld, scored);
    if (plan.distance) {
      // -|q - k|^2 / 2 = q.k - |q|^2/2 - |k|^2/2 <= 0; clamp the rounding error that crosses 0.
      row = (row - plan.half_sq_left(i) - plan.half_sq_right.head(scored).transpose().array()).min(T(0)) *
            plan.distance_scale;
    }
    if (plan.bias != nullptr) add_mask_bias(row.data(), i, scored, *plan.bias, plan.bias_scale);
    if (plan.row_offset.size() > 0) row += plan.row_offset(i);
    if (plan.column_offset.size() > 0) row += plan.column_offset.head(scored).transpose().array();
    if (plan.noise_sd > T(0)) {
      Rng rng(plan.seed, plan.draw, noise_stream::substream(noise_stream::kScore, static_cast<std::uint64_t>(i)));
      if (plan.multiplicative_noise) {
        // A kernel that stands for e^s: e^{s + sigma e} = e^s e^{sigma e}, the same e_ij as the scores get.
        for (Index j = 0; j < row.size(); ++j) row(j) *= std::exp(plan.noise_sd * static_cast<T>(rng.normal()));
      } else {
        for (Index j = 0; j < row.size(); ++j) row(j) += plan.noise_sd * static_cast<T>(rng.normal());
      }
    }
  }
}

template <class T>
product::KeyPanels<T> pack_plan_keys(const Mat<T>& keys) {
  return product::pack_keys(keys, T(1));
}

#define ATTN_INSTANTIATE(T)                                                                                     \
  template ScorePlan<T> make_score_plan(const Vectors<T>&, ScoreKind, double, bool, const Perturbation&, bool); \
  template ScorePlan<T> make_score_plan(const Vectors<T>&, const AttentionSpec&, const Perturbation&, bool);    \
  template void check_plan_inputs(const Vectors<T>&, const Perturbation&, std::uint64_t);                       \
  template PreparedVectors<T> prepare_vectors(const Vectors<T>&, ScoreKind, bool, const Perturbation&);         \
  template product::KeyPanels<T> pack_plan_keys(const Mat<T>&);                                                 \
  template void score_rows(const ScorePlan<T>&, Index, Index, T*, Index);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn::detail
