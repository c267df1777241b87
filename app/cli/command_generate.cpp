// `generate`: synthetic vectors (gaussian, clusters, sphere) reproducible from a seed.
#include <memory>

#include "attn/base/errors.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/io/array_files.hpp"
#include "commands.hpp"

namespace cli {
namespace {

struct GenerateOptions {
  std::string kind = "gaussian";
  long n = 32;
  long d = 16;
  std::uint64_t seed = 0;
  int clusters = 4;
  std::string out;
  std::string labels;
};

}  // namespace

Action add_generate_command(CLI::App& app) {
  auto* sub = app.add_subcommand("generate", "Write synthetic vectors X (n x d)");
  auto o = std::make_shared<GenerateOptions>();
  sub->add_option("--kind", o->kind, "gaussian, clusters or sphere")->capture_default_str();
  sub->add_option("--n", o->n, "Number of vectors")->capture_default_str();
  sub->add_option("--d", o->d, "Dimension")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed (a whole number >= 0)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--clusters", o->clusters, "Number of clusters (kind clusters)")->capture_default_str();
  sub->add_option("--out,-o", o->out, "Output file, .npy (float64) or .csv")->required();
  sub->add_option("--labels", o->labels, "Also write each vector's cluster label (.npy or .csv)");
  return [o] {
    attn::DatasetKind kind;
    try {
      kind = attn::parse_dataset_kind(o->kind);
    } catch (const attn::UsageError& e) {
      throw attn::UsageError(std::string("--kind: ") + e.what());
    }
    if (kind == attn::DatasetKind::Clusters && o->clusters > o->n) {
      throw attn::UsageError("--clusters: " + std::to_string(o->clusters) + " clusters for " + std::to_string(o->n) +
                             " points; give at most one cluster per point");
    }
    const attn::Dataset data = attn::generate_dataset(kind, o->n, o->d, o->seed, o->clusters);
    attn::write_array_file(o->out, data.points.data(), {data.points.rows(), data.points.cols()});
    if (!o->labels.empty()) {
      std::vector<double> labels(data.labels.begin(), data.labels.end());
      attn::write_array_file(o->labels, labels.data(), {static_cast<attn::Index>(labels.size())});
    }
  };
}

}  // namespace cli
