// `length`: the largest weight, the entropy and the mass of a row against the sequence length n,
// each row computed alone from its vectors (no n x n matrix), for softmax and its alternatives.
#include <iostream>
#include <memory>

#include "attn/base/errors.hpp"
#include "attn/experiments/beyond_softmax.hpp"
#include "commands.hpp"
#include "json_numbers.hpp"
#include "progress_bar.hpp"
#include "study_options.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct LengthOptions {
  StudyOptions study;
  std::string lengths = "16,64,256,1024,4096,16384,65536";
  attn::Index d = 64, queries = 16;
};

void run(const LengthOptions& o) {
  const attn::AttentionSpec base = o.study.base_spec();
  const std::vector<attn::Method> methods = o.study.parsed_methods();
  const std::vector<attn::Index> lengths = parse_counts("--lengths", o.lengths);
  for (attn::Index n : lengths) {
    if (n > 1048576) throw attn::UsageError("--lengths: at most 1048576 keys");
  }
  if (o.d < 1 || o.queries < 1) throw attn::UsageError("--d and --queries must be at least 1");
  std::vector<attn::LengthCurve> curves;
  {
    ProgressBar bar("lengths");
    attn::ProgressReporter progress;
    progress.on_progress = [&bar](int done, int total) { bar.update(done, total); };
    curves = attn::length_study(base, methods, lengths, o.d, o.queries, o.study.seed, progress);
  }
  std::cout << o.queries << " queries against n keys, all N(0, I) of dimension " << o.d << ", " << o.study.score
            << " scores, alpha " << o.study.alpha << ":\n";
  TextTable table({"method", "n", "max weight", "entropy", "log n", "row mass"});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& curve : curves) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : curve.points) {
      table.add_row({curve.method, std::to_string(p.n), format_number(p.max_weight), format_number(p.entropy),
                     format_number(std::log(static_cast<double>(p.n))), format_number(p.mass)});
      points.push_back({{"n", p.n},
                        {"max_weight", json_number(p.max_weight)},
                        {"entropy", json_number(p.entropy)},
                        {"mass", json_number(p.mass)},
                        {"undefined_rows", p.undefined_rows}});
    }
    results.push_back({{"method", curve.method}, {"points", points}});
  }
  table.print(std::cout);
  std::cout << "(means over the defined rows; entropy of the row normalised to sum 1, in nats)\n";
  o.study.write_json({{"dimension", o.d}, {"queries", o.queries}, {"results", results}});
}

}  // namespace

Action add_length_command(CLI::App& app) {
  auto* sub = app.add_subcommand("length", "Largest weight and entropy of a row against the sequence length n");
  auto o = std::make_shared<LengthOptions>();
  o->study.methods = "exp,ssmax:0.5,sigmoid-attn,sigmoid-attn:0,relu";
  o->study.add_to(*sub, false);
  sub->add_option("--methods", o->study.methods, "Comma-separated methods")->capture_default_str();
  sub->add_option("--lengths", o->lengths, "Sequence lengths n, comma-separated")->capture_default_str();
  sub->add_option("--d", o->d, "Dimension of the vectors")->capture_default_str();
  sub->add_option("--queries", o->queries, "Rows averaged at each n")->capture_default_str();
  return [o] { run(*o); };
}

}  // namespace cli
