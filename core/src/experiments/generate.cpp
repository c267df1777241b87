#include "attn/experiments/generate.hpp"

#include <algorithm>
#include <string>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/random.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {

namespace {

constexpr NameOf<DatasetKind> kDatasetNames[] = {
    {DatasetKind::Gaussian, "gaussian"}, {DatasetKind::Clusters, "clusters"}, {DatasetKind::Sphere, "sphere"}};

}  // namespace

DatasetKind parse_dataset_kind(std::string_view name) { return parse_name(kDatasetNames, name, "data kind"); }

std::string_view dataset_kind_name(DatasetKind kind) { return name_of(kDatasetNames, kind); }

Dataset generate_dataset(DatasetKind kind, Index n, Index d, std::uint64_t seed, int clusters) {
  if (n < 1 || d < 1) {
    throw UsageError("data size must be at least 1 x 1 (got " + std::to_string(n) + " x " + std::to_string(d) + ")");
  }
  if (clusters < 1) throw UsageError("the number of clusters must be at least 1");

  try {
    check_matrix_size(n, d, "data set");
    check_memory_budget(array_bytes({n, d}, sizeof(double)),
                        "a data set of " + std::to_string(n) + " x " + std::to_string(d));
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
  Dataset out;
  out.points.resize(n, d);
  out.labels.assign(static_cast<std::size_t>(n), 0);
  Rng rng(seed);
  switch (kind) {
    case DatasetKind::Gaussian:
      for (Index i = 0; i < n; ++i) {
        for (Index k = 0; k < d; ++k) out.points(i, k) = rng.normal();
      }
      break;
    case DatasetKind::Clusters: {
      // Only the first n clusters get points (round robin): only their centres are kept, so 2e8
      // clusters for 4 points allocate 4 centres. The others' draws are still taken, so the points
      // are the same as with every centre stored.
      const Index used = std::min<Index>(clusters, n);
      MatD centres(used, d);
      for (Index c = 0; c < clusters; ++c) {
        for (Index k = 0; k < d; ++k) {
          const double value = 3.0 * rng.normal();
          if (c < used) centres(c, k) = value;
        }
      }
      for (Index i = 0; i < n; ++i) {
        // Round-robin assignment: every cluster gets n / clusters points (give or take one).
        const int label = static_cast<int>(i % clusters);
        out.labels[static_cast<std::size_t>(i)] = label;
        for (Index k = 0; k < d; ++k) out.points(i, k) = centres(label, k) + rng.normal();
      }
      break;
    }
    case DatasetKind::Sphere:
      for (Index i = 0; i < n; ++i) {
        double norm = 0.0;
        do {
          for (Index k = 0; k < d; ++k) out.points(i, k) = rng.normal();
          norm = out.points.row(i).norm();
        } while (norm == 0.0);
        out.points.row(i) /= norm;
      }
      break;
  }
  return out;
}

}  // namespace attn
