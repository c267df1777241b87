#include "attn/kernels/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/random.hpp"
#include "base/streaming_store.hpp"
#include "base/tiling.hpp"
#include "kernels/masked_rows.hpp"
#include "kernels/matrix_normalization.hpp"
#include "kernels/score_plan.hpp"

namespace attn {
namespace {

// Rows scored and weighted together before they are stored: 12 rows of 4096 floats (192 KiB) stay
// in L2 with the packed keys between the product and the row method. Measured (exp weights,
// n = 4096, 2 threads, reused result, fastest of 31 runs): 6, 12 and 24 rows gave 9.0, 8.7 and
// 8.1 ms at d = 16 and 18.6, 16.6 and 16.9 ms at d = 64; ordinary stores instead of streaming
// ones cost 1 to 3 ms more.
constexpr Index kScratchRows = 12;

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
  if (out.rows() == rows && out.cols() == cols) return;  // reused: already backed and touched
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

// Under the causal mask later row tiles score more keys: handing them out last-first lets the
// threads finish together (which thread computes a tile never changes its bits).
Index heaviest_first(Index task, Index tiles, Mask mask) { return mask == Mask::Causal ? tiles - 1 - task : task; }

template <class T>
void add_noise_rows(Mat<T>& x, const Vec<T>& shared, double local_rms, std::uint64_t seed, std::uint64_t draw,
                    std::uint64_t purpose) {
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
    throw InputError("no query vectors (the input has " + std::to_string(vectors.queries.rows()) + " rows and " +
                     std::to_string(vectors.queries.cols()) + " columns)");
  }
  if (vectors.keys) {
    if (vectors.keys->rows() == 0) throw InputError("no key vectors");
    if (vectors.keys->cols() != vectors.queries.cols()) {
      throw InputError("keys have dimension " + std::to_string(vectors.keys->cols()) + " but queries have dimension " +
                       std::to_string(vectors.queries.cols()));
    }
  }
}

void check_matrix_size(Index rows, Index cols, const char* what) {
  if (rows > 0 && cols > kMaxMatrixElements / rows) {
    throw InputError(std::string(what) + " of " + std::to_string(rows) + " x " + std::to_string(cols) +
                     " is too large (limit: " + std::to_string(kMaxMatrixElements) + " elements)");
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
Mat<T> compute_scores(const Vectors<T>& vectors, ScoreKind score, double alpha, const Perturbation& perturbation) {
  AttentionSpec spec;
  spec.score = score;
  spec.alpha = alpha;
  return compute_scores(vectors, spec, perturbation);
}

template <class T>
void compute_scores_into(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                         Mat<T>& out) {
  const detail::ScorePlan<T> plan = detail::make_score_plan(vectors, spec, perturbation);
  const Index n = plan.queries(), m = plan.keys();
  allocate_result(out, n, m);
  const Index tiles = detail::tile_count(n);
  parallel_for(tiles, [&](Index task) {
    const Index tile = heaviest_first(task, tiles, plan.mask);
    const auto [begin, end] = detail::tile_rows(tile, n);
    detail::score_rows(plan, begin, end, out.row(begin).data(), m);
    if (plan.mask == Mask::None) return;
    for (Index i = begin; i < end; ++i) {
      const Index scored = plan.scored_keys(i);
      detail::fill_streaming(out.row(i).data() + scored, m - scored, -std::numeric_limits<T>::infinity());
    }
    detail::finish_streaming_stores();
  });
}

template <class T>
Mat<T> compute_scores(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation) {
  Mat<T> out;
  compute_scores_into(vectors, spec, perturbation, out);
  return out;
}

template <class T>
QueryRow<T> compute_query_row(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                              Index query) {
  if (!spec.method.is_row_wise()) {
    throw UsageError(std::string(spec.method.spec()) +
                     " normalises columns too: one row needs every row (use a smaller input to inspect a row)");
  }
  const detail::ScorePlan<T> plan = detail::make_weight_plan(vectors, spec, perturbation, /*holds_matrix=*/false);
  const Index n = plan.queries(), m = plan.keys();
  if (query < 0 || query >= n) {
    throw UsageError("query " + std::to_string(query) + " is outside 0.." + std::to_string(n - 1));
  }
  QueryRow<T> row;
  detail::AlignedRows<T> buffer(1, m);
  // The scores of the keys the plan scored; keys above the diagonal (causal) are never scored: -inf.
  const auto scores_of = [&](const detail::ScorePlan<T>& p, const T* scored_row, Vec<T>& out) {
    const Index scored = p.scored_keys(query);
    out.resize(m);
    out.head(scored) = Eigen::Map<const Vec<T>>(scored_row, scored);
    out.tail(m - scored).setConstant(-std::numeric_limits<T>::infinity());
  };
  if (spec.method.is_feature_map()) {
    // The scores the method is not a function of, for display beside its weights.
    const detail::ScorePlan<T> scores = detail::make_score_plan(vectors, spec, perturbation, false);
    detail::score_rows(scores, query, query + 1, buffer.row(0), m);
    scores_of(scores, buffer.row(0), row.scores);
  }
  detail::score_rows(plan, query, query + 1, buffer.row(0), m);
  if (!spec.method.is_feature_map()) scores_of(plan, buffer.row(0), row.scores);
  detail::RowScratch scratch;
  row.status = detail::weigh_masked_row(buffer.row(0), query, m, spec.mask, spec.mask_arrays.get(), spec.method,
                                        scratch, spec.subtract_max);
  row.weights = Eigen::Map<const Vec<T>>(buffer.row(0), m);
  return row;
}

template <class T>
void compute_weights_into(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation,
                          Weights<T>& result) {
  if (!spec.method.is_row_wise()) {
    result = weights_from_scores(compute_scores(vectors, spec, perturbation), spec.method, spec.mask,
                                 spec.mask_arrays.get());
    return;
  }
  const detail::ScorePlan<T> plan = detail::make_weight_plan(vectors, spec, perturbation);
  const Index n = plan.queries(), m = plan.keys();
  allocate_result(result.matrix, n, m);
  result.rows_sum_to_one = spec.method.rows_sum_to_one();
  result.rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  const Index tiles = detail::tile_count(n);
  parallel_for(tiles, [&](Index task) {
    const auto [begin, end] = detail::tile_rows(heaviest_first(task, tiles, plan.mask), n);
    detail::RowScratch scratch;
    // A few rows at a time through a scratch buffer that stays in cache from the product to the
    // final weights; the result is then written once, by streaming stores that skip the cache
    // (the result is far larger than the cache and nothing reads it back here).
    detail::AlignedRows<T> rows(kScratchRows, m);
    for (Index i0 = begin; i0 < end; i0 += kScratchRows) {
      const Index i1 = std::min(end, i0 + kScratchRows);
      detail::score_rows(plan, i0, i1, rows.row(0), rows.stride());
      for (Index i = i0; i < i1; ++i) {
        T* row = rows.row(i - i0);
        result.rows[static_cast<std::size_t>(i)] =
            detail::weigh_masked_row(row, i, m, spec.mask, spec.mask_arrays.get(), spec.method, scratch,
                                     spec.subtract_max, result.matrix.row(i).data());
      }
    }
    detail::finish_streaming_stores();
  });
}

template <class T>
void weights_from_scores_into(const Mat<T>& scores, const Method& method, Mask mask, bool subtract_max,
                              Weights<T>& result, const MaskArrays* arrays) {
  if (!method.is_row_wise()) {
    result = weights_from_scores(scores, method, mask, arrays);
    return;
  }
  check_method_mask(method, mask);
  detail::check_scores_method(method);
  const Index n = scores.rows(), m = scores.cols();
  if (arrays != nullptr) arrays->check_extents(n, m);
  allocate_result(result.matrix, n, m);
  result.rows_sum_to_one = method.rows_sum_to_one();
  result.rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  const Index tiles = detail::tile_count(n);
  parallel_for(tiles, n * m / std::max<Index>(tiles, 1) + 1, [&](Index tile) {
    const auto [begin, end] = detail::tile_rows(tile, n);
    detail::RowScratch scratch;
    // The kernel works in place: each row goes through an aligned copy that stays in cache.
    detail::AlignedRows<T> row(1, m);
    for (Index i = begin; i < end; ++i) {
      const Index valid = detail::valid_keys(mask, i, m);  // the masked scores are never read
      std::copy_n(scores.row(i).data(), valid, row.row(0));
      result.rows[static_cast<std::size_t>(i)] = detail::weigh_masked_row(
          row.row(0), i, m, mask, arrays, method, scratch, subtract_max, result.matrix.row(i).data());
    }
    detail::finish_streaming_stores();
  });
}

template <class T>
Weights<T> compute_weights(const Vectors<T>& vectors, const AttentionSpec& spec, const Perturbation& perturbation) {
  Weights<T> result;
  compute_weights_into(vectors, spec, perturbation, result);
  return result;
}

#define ATTN_INSTANTIATE(T)                                                                                         \
  template void validate_vectors(const Vectors<T>&);                                                                \
  template Vectors<T> apply_vector_noise(const Vectors<T>&, const Perturbation&);                                   \
  template Mat<T> compute_scores(const Vectors<T>&, ScoreKind, double, const Perturbation&);                        \
  template Mat<T> compute_scores(const Vectors<T>&, const AttentionSpec&, const Perturbation&);                     \
  template void weights_from_scores_into(const Mat<T>&, const Method&, Mask, bool, Weights<T>&, const MaskArrays*); \
  template void compute_scores_into(const Vectors<T>&, const AttentionSpec&, const Perturbation&, Mat<T>&);         \
  template QueryRow<T> compute_query_row(const Vectors<T>&, const AttentionSpec&, const Perturbation&, Index);      \
  template Weights<T> compute_weights(const Vectors<T>&, const AttentionSpec&, const Perturbation&);                \
  template void compute_weights_into(const Vectors<T>&, const AttentionSpec&, const Perturbation&, Weights<T>&);
ATTN_INSTANTIATE(float)
ATTN_INSTANTIATE(double)
#undef ATTN_INSTANTIATE

}  // namespace attn
