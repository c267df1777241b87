// `noise`: Monte Carlo study of vector noise x~_i = x_i + g + l_i against each method.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/io/atomic_file.hpp"
#include "commands.hpp"
#include "input_files.hpp"
#include "json_numbers.hpp"
#include "progress_bar.hpp"
#include "study_options.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct NoiseOptions {
  AttentionOptions attention;
  std::string methods = "exp,relu,softplus,sigmoid,linear";
  double global_rms = 0.0;
  double local_rms = 0.0;
  std::string target = "both";
  int draws = 100;
  std::uint64_t seed = 0;
  std::string json;
};

template <class T>
void run(const NoiseOptions& o) {
  o.attention.apply_thread_count();
  const auto methods = parse_methods_option("--methods", o.methods);
  if (!(o.global_rms >= 0.0) || !(o.local_rms >= 0.0) || !std::isfinite(o.global_rms) || !std::isfinite(o.local_rms)) {
    throw attn::UsageError("--global-rms and --local-rms must be finite and >= 0");
  }
  if (o.draws < 1) throw attn::UsageError("--draws: must be at least 1");
  attn::NoiseStudyConfig config;
  config.global_rms = o.global_rms;
  config.local_rms = o.local_rms;
  config.draws = o.draws;
  config.seed = o.seed;
  try {
    config.target = attn::parse_noise_target(o.target);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--target: ") + e.what());
  }
  const attn::Vectors<T> vectors = load_vectors<T>(o.attention.input, o.attention.keys, o.attention.selection);

  attn::NoiseStudyResult result;
  {
    ProgressBar bar("noise draws");
    attn::ProgressReporter progress;
    progress.on_progress = [&bar](int done, int total) { bar.update(done, total); };
    result = attn::noise_study(vectors, o.attention.spec(), methods, config, progress);
  }

  std::cout << "Vector noise on " << o.target << ": global rms " << o.global_rms << ", local rms " << o.local_rms
            << ", " << o.draws << " draws, seed " << o.seed << "\n";
  if (result.expected_shift.exact) {
    // For the target: 0 when only the queries or only the keys are noisy.
    std::cout << "Expected shift of the " << o.attention.score
              << " scores (before alpha): " << format_number(result.expected_shift.value);
    if (result.expected_shift.diagonal_extra != 0.0) {
      std::cout << " off the diagonal; the diagonal (self-attention, its own local noise) gets "
                << format_number(result.expected_shift.diagonal_extra) << " more";
    }
    std::cout << "\n";
  }
  TextTable table({"method", "max_abs_diff", "mean_tv", "mean_kl", "bias_tv", "undefined_rows"});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : result.rows) {
    table.add_row({r.method, mean_sd(r.max_abs_diff), mean_sd(r.mean_tv), format_number(r.mean_kl.mean),
                   format_number(r.bias_tv), std::to_string(r.undefined_rows)});
    rows.push_back({{"method", r.method},
                    {"max_abs_diff", summary_json(r.max_abs_diff)},
                    {"mean_tv", summary_json(r.mean_tv)},
                    {"mean_kl", summary_json(r.mean_kl)},
                    {"frobenius", summary_json(r.frobenius)},
                    {"bias_tv", json_number(r.bias_tv)},
                    {"undefined_rows", r.undefined_rows}});
  }
  table.print(std::cout);
  std::cout << "(mean ± sample standard deviation over draws; bias_tv: mean row TV between the average\n"
               " perturbed weights and the clean weights)\n";
  if (!o.json.empty()) {
    nlohmann::json doc = {{"global_rms", o.global_rms}, {"local_rms", o.local_rms}, {"target", o.target},
                          {"draws", o.draws},           {"seed", o.seed},           {"results", rows}};
    if (result.expected_shift.exact) {
      doc["expected_shift"] = result.expected_shift.value;
      doc["expected_diagonal_extra"] = result.expected_shift.diagonal_extra;
    }
    attn::write_json_atomically(o.json, doc);
  }
}

}  // namespace

Action add_noise_command(CLI::App& app) {
  auto* sub = app.add_subcommand("noise", "Monte Carlo study of shared (global) and local vector noise");
  auto o = std::make_shared<NoiseOptions>();
  o->attention.add_to(*sub);
  sub->add_option("--methods", o->methods, "Comma-separated methods")->capture_default_str();
  sub->add_option("--global-rms", o->global_rms, "s_g: rms of the shared noise vector g")->capture_default_str();
  sub->add_option("--local-rms", o->local_rms, "s_l: rms of the independent noise l_i")->capture_default_str();
  sub->add_option("--target", o->target, "queries, keys or both")->capture_default_str();
  sub->add_option("--draws", o->draws, "Number of noise draws K")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed (a whole number >= 0)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--json", o->json, "Also write the results to this JSON file");
  return [o] { o->attention.use_double ? run<double>(*o) : run<float>(*o); };
}

}  // namespace cli
