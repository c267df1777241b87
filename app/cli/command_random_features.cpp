// `random-features`: how far performer's positive random features are from exact softmax as the
// number of features m grows, and what a constant shift does to them: it changes the weights of
// one draw of the features, and not the weights of the kernel averaged over many draws.
#include <iostream>
#include <memory>

#include "attn/base/errors.hpp"
#include "attn/experiments/beyond_softmax.hpp"
#include "attn/experiments/generate.hpp"
#include "commands.hpp"
#include "input_files.hpp"
#include "json_numbers.hpp"
#include "study_options.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct RandomFeatureOptions {
  StudyOptions study;
  attn::Index n = 64, d = 16;
  double scale = 0.5;
  std::string features = "16,64,256,1024,4096";
  int seeds = 8;
  double shift = 1.0;
  attn::Index shift_features = 64;
  int draws = 1024;
};

attn::Vectors<double> study_vectors(const RandomFeatureOptions& o) {
  if (!o.study.input.empty()) return load_vectors<double>(o.study.input, o.study.keys, o.study.selection);
  if (o.n < 1 || o.d < 1) throw attn::UsageError("--n and --d must be at least 1");
  if (!(o.scale > 0.0) || !std::isfinite(o.scale)) throw attn::UsageError("--scale: must be a finite number > 0");
  attn::Vectors<double> v;
  v.queries = o.scale * attn::generate_dataset(attn::DatasetKind::Gaussian, o.n, o.d, o.study.seed).points;
  v.keys = o.scale * attn::generate_dataset(attn::DatasetKind::Gaussian, o.n, o.d, o.study.seed + 1).points;
  return v;
}

nlohmann::json error_table(const std::vector<attn::FeatureErrorPoint>& points, int seeds) {
  std::cout << "Random features against exact softmax (mean ± standard deviation over " << seeds
            << " draws of the features):\n";
  TextTable table({"m features", "max |W - softmax|", "mean TV"});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : points) {
    table.add_row({std::to_string(p.features), mean_sd(p.max_abs_diff), mean_sd(p.mean_tv)});
    rows.push_back({{"features", p.features},
                    {"max_abs_diff", summary_json(p.max_abs_diff)},
                    {"mean_tv", summary_json(p.mean_tv)}});
  }
  table.print(std::cout);
  return rows;
}

nlohmann::json shift_table(const attn::FeatureShiftResult& r, int draws) {
  std::cout << "\nA constant shift M = " << r.shift << " with m = " << r.features << " features (" << draws
            << " draws; mean ± standard deviation over them):\n  one draw of the features: max |W(M) - W(0)| = "
            << mean_sd(r.one_draw) << " (min " << format_number(r.one_draw.min) << ", max "
            << format_number(r.one_draw.max) << ")\n  exact softmax: " << format_number(r.softmax) << "\n";
  TextTable table({"kernel averaged over D draws", "max |W(M) - W(0)|"});
  nlohmann::json averaged = nlohmann::json::array();
  for (const auto& p : r.averaged) {
    table.add_row({std::to_string(p.draws), format_number(p.max_abs_diff)});
    averaged.push_back({{"draws", p.draws}, {"max_abs_diff", json_number(p.max_abs_diff)}});
  }
  table.print(std::cout);
  std::cout << "(invariance holds in expectation over the features: E[kernel at M] = e^(alpha M) E[kernel at 0])\n";
  return {{"shift", r.shift},
          {"features", r.features},
          {"one_draw", summary_json(r.one_draw)},
          {"softmax", json_number(r.softmax)},
          {"averaged", averaged}};
}

void run(const RandomFeatureOptions& o) {
  const attn::AttentionSpec base = o.study.base_spec();
  const std::vector<attn::Index> counts = parse_counts("--features", o.features);
  for (attn::Index m : counts) {
    if (m > 65536) throw attn::UsageError("--features: at most 65536 features");
  }
  if (o.seeds < 1 || o.draws < 1) throw attn::UsageError("--seeds and --draws must be at least 1");
  if (!std::isfinite(o.shift)) throw attn::UsageError("--shift: must be a finite number");
  const attn::Vectors<double> vectors = study_vectors(o);
  const auto errors = attn::random_feature_error(vectors, base, counts, o.seeds, o.study.seed);
  nlohmann::json doc = {{"error", error_table(errors, o.seeds)}};
  const auto shift = attn::random_feature_shift(vectors, base, o.shift_features, o.shift, o.draws, o.study.seed);
  doc["shift"] = shift_table(shift, o.draws);
  o.study.write_json(doc);
}

}  // namespace

Action add_random_features_command(CLI::App& app) {
  auto* sub = app.add_subcommand("random-features",
                                 "Performer's random features: error to exact softmax against M, and a shift per draw");
  auto o = std::make_shared<RandomFeatureOptions>();
  o->study.add_to(*sub, true);
  sub->add_option("--n", o->n, "Generated data: queries and keys")->capture_default_str();
  sub->add_option("--d", o->d, "Generated data: dimension")->capture_default_str();
  sub->add_option("--scale", o->scale, "Generated data: N(0, scale^2) entries")->capture_default_str();
  sub->add_option("--features", o->features, "Numbers of features m, comma-separated")->capture_default_str();
  sub->add_option("--seeds", o->seeds, "Draws of the features per M")->capture_default_str();
  sub->add_option("--shift", o->shift, "The constant shift M of the shift study")->capture_default_str();
  sub->add_option("--shift-features", o->shift_features, "Features in the shift study")->capture_default_str();
  sub->add_option("--draws", o->draws, "Draws of the features in the shift study")->capture_default_str();
  return [o] { run(*o); };
}

}  // namespace cli
