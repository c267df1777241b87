// `sinks`: how much of each row a method spends on key 0 and how much it can decline to spend, on
// data with a key that every query finds unremarkable (generate_sink_data) or on your own vectors.
#include <iostream>
#include <memory>

#include "attn/base/errors.hpp"
#include "attn/experiments/beyond_softmax.hpp"
#include "commands.hpp"
#include "input_files.hpp"
#include "json_numbers.hpp"
#include "study_options.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct SinkOptions {
  StudyOptions study;
  attn::Index n = 256, d = 32;
  double idle = 0.5;
};

nlohmann::json group_json(const attn::SinkGroup& g) {
  return {{"rows", g.rows},
          {"key0_mass", json_number(g.key0_mass)},
          {"row_mass", json_number(g.row_mass)},
          {"declined", json_number(g.declined)},
          {"key0_share", json_number(g.key0_share)}};
}

void add_group(TextTable& table, const std::string& method, const char* rows, const attn::SinkGroup& g) {
  if (g.rows == 0) return;
  table.add_row({method, rows, std::to_string(g.rows), format_number(g.key0_mass), format_number(g.key0_share),
                 format_number(g.row_mass), format_number(g.declined)});
}

void run(const SinkOptions& o) {
  const attn::AttentionSpec base = o.study.base_spec();
  const std::vector<attn::Method> methods = o.study.parsed_methods();
  attn::Vectors<double> vectors;
  std::vector<bool> idle;
  if (o.study.input.empty()) {
    if (o.n < 2 || o.d < 2) throw attn::UsageError("--n and --d must be at least 2");
    if (!(o.idle >= 0.0 && o.idle <= 1.0)) throw attn::UsageError("--idle: a fraction from 0 to 1");
    attn::SinkData data = attn::generate_sink_data(o.n, o.d, o.study.seed, o.idle);
    vectors = std::move(data.vectors);
    idle = std::move(data.idle);
    std::cout << "Generated: " << o.n << " queries and keys of dimension " << o.d
              << "; key 0 is the zero vector (score 0 with every query); idle queries score about -3 against\n"
                 "every other key, seeking queries about 0.7 sqrt(d) against one key before them.\n";
  } else {
    vectors = load_vectors<double>(o.study.input, o.study.keys, o.study.selection);
  }
  const auto rows = attn::sink_study(vectors, base, methods, idle);
  TextTable table({"method", "rows", "count", "w_i0", "w_i0 / mass", "row mass", "declined"});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : rows) {
    add_group(table, r.method, "all", r.all);
    add_group(table, r.method, "idle", r.idle);
    add_group(table, r.method, "seeking", r.seeking);
    results.push_back({{"method", r.method},
                       {"all", group_json(r.all)},
                       {"idle", group_json(r.idle)},
                       {"seeking", group_json(r.seeking)},
                       {"undefined_rows", r.undefined_rows}});
  }
  table.print(std::cout);
  std::cout << "(means over the defined rows of each group: w_i0 the weight on key 0, w_i0 / mass its share of what\n"
               " the row spends, declined = 1 - row mass)\n";
  o.study.write_json({{"mask", o.study.mask}, {"results", results}});
}

}  // namespace

Action add_sinks_command(CLI::App& app) {
  auto* sub = app.add_subcommand("sinks", "Attention sinks: the mass each method puts on key 0, and what it declines");
  auto o = std::make_shared<SinkOptions>();
  o->study.mask = "causal";
  o->study.methods = "exp,softmax1,sigmoid-attn,softpick,stick-breaking";
  o->study.add_to(*sub, true);
  sub->add_option("--methods", o->study.methods, "Comma-separated methods")->capture_default_str();
  sub->add_option("--n", o->n, "Generated data: queries and keys")->capture_default_str();
  sub->add_option("--d", o->d, "Generated data: dimension")->capture_default_str();
  sub->add_option("--idle", o->idle, "Generated data: fraction of idle queries")->capture_default_str();
  return [o] { run(*o); };
}

}  // namespace cli
