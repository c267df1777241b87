// Synthetic data sets, reproducible from a seed on any machine.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "attn/base/types.hpp"

namespace attn {

enum class DatasetKind {
  Gaussian,  // entries i.i.d. N(0, 1)
  Clusters,  // `clusters` centres ~ N(0, 3^2 I), points = centre + N(0, I)
  Sphere,    // uniform on the unit sphere (all norms equal: Gaussian kernel == dot softmax)
};

DatasetKind parse_dataset_kind(std::string_view name);  // throws UsageError
std::string_view dataset_kind_name(DatasetKind kind);

struct Dataset {
  MatD points;              // n by d
  std::vector<int> labels;  // cluster of each point (all 0 for gaussian and sphere)
};

// Throws UsageError for n < 1, d < 1, clusters < 1 or a size over kMaxMatrixElements.
Dataset generate_dataset(DatasetKind kind, Index n, Index d, std::uint64_t seed, int clusters = 4);

}  // namespace attn
