// `lm`: a typed text through a tiny language model (assets/models/*.npz): every head's Q, K, V and
// W to a model file the app and every command read, and the most probable next tokens.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/io/npy.hpp"
#include "attn/lm/forward.hpp"
#include "attn/lm/run_file.hpp"
#include "commands.hpp"
#include "lm_options.hpp"

namespace cli {
namespace {

struct LmOptions {
  std::string model;
  std::string text;
  std::string method;
  double shift = 0.0;
  double global_rms = 0.0;
  double local_rms = 0.0;
  std::uint64_t seed = 1;
  std::uint64_t draw = 0;
  int top = 5;
  bool use_double = false;
  int threads = 0;
  std::string out;
  std::string logits;
  std::string noise_out;
};

void print_top(const std::string& title, const attn::LanguageModel& model, const attn::Vec<double>& logits, int top) {
  std::cout << title << "\n";
  for (const attn::NextToken& t : attn::top_next_tokens(model.vocabulary, logits, top)) {
    std::cout << "  " << std::left << std::setw(16) << t.token << std::right << std::fixed << std::setprecision(4)
              << t.probability << "\n";
  }
  std::cout.unsetf(std::ios::floatfield);
}

std::string perturbation_text(const attn::LmPerturbation& p) {
  std::ostringstream text;
  text << "M = " << p.shift;
  if (p.has_noise())
    text << ", s_g = " << p.global_rms << ", s_l = " << p.local_rms << " (seed " << p.seed << ", draw " << p.draw
         << ")";
  return text.str();
}

template <class T>
void run(const LmOptions& o) {
  apply_threads_option(o.threads);
  check_finite("--shift", o.shift);
  check_rms("--global-rms", o.global_rms);
  check_rms("--local-rms", o.local_rms);
  if (o.top < 1) throw attn::UsageError("--top: must be at least 1");
  const attn::LanguageModel model = attn::read_language_model(o.model);
  const std::vector<std::string> tokens = attn::tokenize_kjv_words(o.text);
  const std::vector<int> ids = model.vocabulary.encode(tokens);
  attn::LmRunOptions options;
  options.method = parse_lm_method(o.method);
  options.perturbation = {o.shift, o.global_rms, o.local_rms, o.seed, o.draw};
  const attn::LmRun<T> result = attn::run_language_model<T>(model, ids, options);

  std::vector<std::string> labels;
  std::string unknown;
  for (std::size_t t = 0; t < ids.size(); ++t) {
    labels.push_back(model.vocabulary.token(ids[t]));
    if (ids[t] == 0) unknown += (unknown.empty() ? "" : ", ") + tokens[t];
  }
  std::cout << model.path << ": " << model.description()
            << "; F in every head: " << (options.method ? options.method->spec() : model.config.method_spec) << "\n";
  std::cout << ids.size() << " tokens";
  if (!unknown.empty()) std::cout << " (not in the vocabulary, read as <unk>: " << unknown << ")";
  std::cout << "\nundefined rows: " << result.undefined_rows << " of " << result.rows << "\n";
  const auto last = static_cast<attn::Index>(ids.size()) - 1;
  const bool perturbed = o.shift != 0.0 || options.perturbation.has_noise();
  if (perturbed) {
    attn::LmRunOptions clean = options;
    clean.perturbation = {};
    clean.record_heads = false;
    const attn::LmRun<T> reference = attn::run_language_model<T>(model, ids, clean);
    print_top("next token, clean:", model, reference.logits.row(last).transpose().template cast<double>(), o.top);
  }
  print_top(perturbed ? "next token, " + perturbation_text(options.perturbation) + ":" : "next token:", model,
            result.logits.row(last).transpose().template cast<double>(), o.top);

  if (!o.out.empty()) attn::write_lm_run_file(o.out, result, labels, options);
  if (!o.logits.empty()) attn::write_npy(o.logits, result.logits.data(), {result.logits.rows(), result.logits.cols()});
  if (!o.noise_out.empty()) {
    const attn::MatD noise =
        attn::embedding_noise(options.perturbation, static_cast<attn::Index>(ids.size()), model.config.d_model);
    attn::write_npy(o.noise_out, noise.data(), {noise.rows(), noise.cols()});
  }
}

}  // namespace

Action add_lm_command(CLI::App& app) {
  auto* sub = app.add_subcommand("lm", "Run a text through a tiny language model (assets/models/*.npz)");
  auto o = std::make_shared<LmOptions>();
  sub->add_option("--model", o->model, "Model file, e.g. assets/models/exp.npz")->required();
  sub->add_option("--text", o->text, "The text (at most the model's context in tokens)")->required();
  sub->add_option("--method", o->method, "The F every head uses instead of the model's own (any method)");
  sub->add_option("--shift", o->shift, "M: added to every score of every head")->capture_default_str();
  sub->add_option("--global-rms", o->global_rms, "s_g: one shared noise vector g on every embedding")
      ->capture_default_str();
  sub->add_option("--local-rms", o->local_rms, "s_l: independent noise l_t on each embedding")->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of the noise")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--draw", o->draw, "Which draw of the noise")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--top", o->top, "How many next tokens to print")->capture_default_str();
  sub->add_flag("--double", o->use_double, "Compute in float64 (default float32, as trained)");
  sub->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  sub->add_option("--out,-o", o->out, "Write every head (q, k, v, weights, tokens, ...) to this .npz model file");
  sub->add_option("--logits", o->logits, "Write the next-token logits [n, V] to this .npy file");
  sub->add_option("--noise-out", o->noise_out, "Write the embedding noise [n, d_model] to this .npy file");
  return [o] { o->use_double ? run<double>(*o) : run<float>(*o); };
}

}  // namespace cli
