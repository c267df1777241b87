// `lm-robustness`: held-out perplexity and next-token accuracy of tiny language models under a
// shift M of every score and under shared noise on the embeddings, one level at a time.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"
#include "attn/lm/robustness.hpp"
#include "commands.hpp"
#include "json_numbers.hpp"
#include "lm_options.hpp"
#include "progress_bar.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct RobustnessOptions {
  std::vector<std::string> models;
  std::string heldout;
  std::string method;
  std::vector<double> shifts{0.0, 0.5, 1.0, 2.0, 4.0};
  std::vector<double> global_rms{0.0, 0.1, 0.3};
  std::uint64_t seed = 1;
  int seeds = 1;
  long windows = -1;
  int threads = 0;
  std::string json;
};

nlohmann::json score_json(const attn::LmScore& s) {
  return {{"perplexity", json_number(s.perplexity)},
          {"accuracy", s.accuracy},
          {"mean_loss", json_number(s.mean_loss)},
          {"undefined_fraction", s.undefined_fraction}};
}

// One measure over the seeds of a noise level: mean, spread and every seed's value.
nlohmann::json spread_json(const std::vector<attn::LmScore>& scores, double attn::LmScore::*measure) {
  const attn::MeanSpread s = attn::mean_spread(scores, measure);
  std::vector<double> values;
  for (const attn::LmScore& score : scores) values.push_back(score.*measure);
  return {{"mean", json_number(s.mean)}, {"std", json_number(s.sd)}, {"per_seed", values}};
}

std::string spread_text(const std::vector<attn::LmScore>& scores, double attn::LmScore::*measure, int digits) {
  const attn::MeanSpread s = attn::mean_spread(scores, measure);
  return format_number(s.mean, digits) + (scores.size() > 1 ? " ± " + format_number(s.sd, 2) : "");
}

void check(const RobustnessOptions& o) {
  apply_threads_option(o.threads);
  if (o.models.empty()) throw attn::UsageError("--models: give at least one model file");
  for (double m : o.shifts) check_finite("--shifts", m);
  for (double s : o.global_rms) check_rms("--global-rms", s);
  if (o.seeds < 1) throw attn::UsageError("--seeds: must be at least 1");
  if (o.windows == 0 || o.windows < -1) throw attn::UsageError("--windows: must be at least 1");
}

nlohmann::json model_json(const attn::ModelRobustness& m, const attn::RobustnessLevels& levels) {
  nlohmann::json shifts = nlohmann::json::array(), noise = nlohmann::json::array();
  for (std::size_t k = 0; k < levels.shifts.size(); ++k) {
    nlohmann::json row = score_json(m.by_shift[k]);
    row["M"] = levels.shifts[k];
    shifts.push_back(row);
  }
  for (std::size_t k = 0; k < levels.global_rms.size(); ++k) {
    const auto& scores = m.by_noise[k];
    noise.push_back({{"s_g", levels.global_rms[k]},
                     {"perplexity", spread_json(scores, &attn::LmScore::perplexity)},
                     {"accuracy", spread_json(scores, &attn::LmScore::accuracy)},
                     {"undefined_fraction", spread_json(scores, &attn::LmScore::undefined_fraction)}});
  }
  return {{"path", m.path},
          {"name", m.name},
          {"trained_with", m.trained_with},
          {"training_noise_global_rms", m.training_noise},
          {"clean", score_json(m.clean)},
          {"shift", shifts},
          {"global_rms", noise}};
}

void print_table(const attn::RobustnessResult& r) {
  TextTable table({"model", "trained with", "perturbation", "perplexity", "accuracy", "undefined rows"});
  for (const attn::ModelRobustness& m : r.models) {
    for (std::size_t k = 0; k < r.levels.shifts.size(); ++k) {
      const attn::LmScore& s = m.by_shift[k];
      table.add_row({m.name, m.trained_with, "M = " + format_number(r.levels.shifts[k]), format_number(s.perplexity, 4),
                     format_number(s.accuracy, 4), format_number(s.undefined_fraction)});
    }
    for (std::size_t k = 0; k < r.levels.global_rms.size(); ++k) {
      const auto& scores = m.by_noise[k];
      table.add_row({m.name, m.trained_with, "s_g = " + format_number(r.levels.global_rms[k]),
                     spread_text(scores, &attn::LmScore::perplexity, 4),
                     spread_text(scores, &attn::LmScore::accuracy, 4),
                     spread_text(scores, &attn::LmScore::undefined_fraction, 3)});
    }
  }
  table.print(std::cout);
}

void run(const RobustnessOptions& o) {
  check(o);
  attn::RobustnessLevels levels;
  levels.shifts = o.shifts;
  levels.global_rms = o.global_rms;
  levels.seed = o.seed;
  levels.seeds = o.seeds;
  levels.windows = o.windows;
  levels.method = parse_lm_method(o.method);
  const std::string heldout_path =
      o.heldout.empty() ? (std::filesystem::path(o.models.front()).parent_path() / "heldout.npz").string() : o.heldout;
  const attn::HeldoutText text = attn::read_heldout_text(heldout_path);
  std::vector<attn::LanguageModel> models;
  for (const std::string& path : o.models) models.push_back(attn::read_language_model(path));
  std::vector<const attn::LanguageModel*> pointers;
  for (const auto& m : models) pointers.push_back(&m);

  attn::RobustnessResult result;
  {
    ProgressBar bar("held-out windows");
    attn::ProgressReporter progress;
    progress.on_progress = [&bar](int done, int total) { bar.update(done, total); };
    result = attn::robustness_sweep(pointers, text, levels, progress);
  }
  const int context = models.front().config.context;
  std::cout << "Held-out text " << heldout_path << ": " << result.windows << " windows of " << context << " tokens ("
            << result.windows * context << " predictions); F in every head: "
            << (levels.method ? levels.method->spec() : std::string("each model's own")) << "\n";
  print_table(result);
  std::cout << "(M: added to every score of every head. s_g: one shared vector g ~ N(0, s_g^2 I) per window added to\n"
               " every embedding, seeds "
            << o.seed << ".." << o.seed + static_cast<std::uint64_t>(o.seeds) - 1
            << "; mean ± sample standard deviation over the seeds)\n";
  if (!o.json.empty()) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& m : result.models) entries.push_back(model_json(m, levels));
    const nlohmann::json doc = {{"heldout", heldout_path},
                                {"windows", result.windows},
                                {"context", context},
                                {"predictions", result.windows * context},
                                {"method", levels.method ? levels.method->spec() : "own"},
                                {"seed", o.seed},
                                {"seeds", o.seeds},
                                {"models", entries}};
    attn::write_json_atomically(o.json, doc);
  }
}

}  // namespace

Action add_lm_robustness_command(CLI::App& app) {
  auto* sub = app.add_subcommand("lm-robustness",
                                 "Held-out perplexity and accuracy of language models under M and shared noise");
  auto o = std::make_shared<RobustnessOptions>();
  sub->add_option("--models", o->models, "Comma-separated model files")->delimiter(',')->required();
  sub->add_option("--heldout", o->heldout, "Held-out text (default: heldout.npz beside the first model)");
  sub->add_option("--method", o->method, "The F every head uses instead of each model's own");
  sub->add_option("--shifts", o->shifts, "Comma-separated shifts M (noise off)")->delimiter(',')->capture_default_str();
  sub->add_option("--global-rms", o->global_rms, "Comma-separated s_g of the shared embedding noise (M = 0)")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "First seed of the noise")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--seeds", o->seeds, "Seeds per noise level (mean and spread)")->capture_default_str();
  sub->add_option("--windows", o->windows, "Evaluate only the first windows (default: all)");
  sub->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  sub->add_option("--json", o->json, "Also write the results to this JSON file");
  return [o] { run(*o); };
}

}  // namespace cli
