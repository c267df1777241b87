#include "attn/kernels/weights.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "base/tiling.hpp"
#include "kernels/masked_rows.hpp"
#include "kernels/matrix_normalization.hpp"

namespace attn {

namespace {

constexpr NameOf<Mask> kMaskNames[] = {{Mask::None, "none"}, {Mask::Causal, "causal"}};

}  // namespace

Mask parse_mask(std::string_view name) { return parse_name(kMaskNames, name, "mask"); }

std::string_view mask_name(Mask mask) { return name_of(kMaskNames, mask); }

std::string_view row_status_name(RowStatus status) {
  switch (status) {
    case RowStatus::Defined: return "defined";
    case RowStatus::AllZero: return "all F values are zero";
    case RowStatus::NonFinite: return "F or its sum is infinite or NaN";
    case RowStatus::Negative: return "F is negative";
    case RowStatus::Masked: return "every key is masked";
  }
  return "?";
}

void check_method_mask(const Method& method, Mask mask) {
  if (method.needs_causal_mask() && mask != Mask::Causal) {
    throw UsageError(method.spec() +
                     " needs the causal mask: it breaks a stick from the query's own position backwards over the "
                     "keys before it, and without the mask the keys have no such order (use --mask causal)");
  }
}

void detail::check_scores_method(const Method& method) {
  if (method.is_feature_map()) {
    throw UsageError(method.spec() +
                     " is computed from the queries and keys by its feature map, not from scores: there are no "
                     "scores to turn into its weights");
  }
}

template <class T>
Index Weights<T>::undefined_count() const {
  return static_cast<Index>(
      std::count_if(rows.begin(), rows.end(), [](RowStatus s) { return s != RowStatus::Defined; }));
}

template <class T>
std::vector<Index> Weights<T>::undefined_rows() const {
  std::vector<Index> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] != RowStatus::Defined) out.push_back(static_cast<Index>(i));
  }
  return out;
}

template <class T>
Weights<T> weights_from_scores(Mat<T> scores, const Method& method, Mask mask, const MaskArrays* arrays) {
  check_method_mask(method, mask);
  detail::check_scores_method(method);
  Weights<T> result;
  result.matrix = std::move(scores);
  result.rows_sum_to_one = method.rows_sum_to_one();
  const Index n = result.matrix.rows(), m = result.matrix.cols();
  if (arrays != nullptr) arrays->check_extents(n, m);
  if (!method.is_row_wise()) {
    const int rounds = method.kind == MethodKind::Sinkhorn ? static_cast<int>(method.parameter) : 1;
    detail::sinkhorn_in_place(result.matrix, rounds, mask, arrays, result.rows);
    return result;
  }
  result.rows.assign(static_cast<std::size_t>(n), RowStatus::Defined);
  parallel_for(detail::tile_count(n), [&](Index tile) {
    detail::RowScratch scratch;
    const auto [begin, end] = detail::tile_rows(tile, n);
    // Through an aligned copy of each row (tiling.hpp: the same bits as compute_weights).
    detail::AlignedRows<T> row(1, m);
    for (Index i = begin; i < end; ++i) {
      T* const out = result.matrix.row(i).data();
      const Index valid = detail::valid_keys(mask, i, m);  // the masked scores are never read
      std::copy_n(out, valid, row.row(0));
      result.rows[static_cast<std::size_t>(i)] =
          detail::weigh_masked_row(row.row(0), i, m, mask, arrays, method, scratch, true);
      std::copy_n(row.row(0), m, out);
    }
  });
  return result;
}

template <class T>
Mat<T> attention_outputs(const Weights<T>& weights, const Mat<T>& values) {
  if (values.rows() != weights.matrix.cols()) {
    throw InputError("values have " + std::to_string(values.rows()) + " rows but there are " +
                     std::to_string(weights.matrix.cols()) + " keys");
  }
  Mat<T> outputs(weights.matrix.rows(), values.cols());
  for (Index i = 0; i < outputs.rows(); ++i) {
    if (weights.defined(i)) {
      outputs.row(i).noalias() = weights.matrix.row(i) * values;
    } else {
      outputs.row(i).setConstant(std::numeric_limits<T>::quiet_NaN());
    }
  }
  return outputs;
}

template struct Weights<float>;
template struct Weights<double>;
template Weights<float> weights_from_scores(Mat<float>, const Method&, Mask, const MaskArrays*);
template Weights<double> weights_from_scores(Mat<double>, const Method&, Mask, const MaskArrays*);
template Mat<float> attention_outputs(const Weights<float>&, const Mat<float>&);
template Mat<double> attention_outputs(const Weights<double>&, const Mat<double>&);

}  // namespace attn
