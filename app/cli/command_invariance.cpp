// `invariance`: for every method and constant shift M, how far W(M) is from W(0).
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/io/atomic_file.hpp"
#include "commands.hpp"
#include "file_masks.hpp"
#include "input_files.hpp"
#include "json_numbers.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

struct InvarianceOptions {
  AttentionOptions attention;
  std::string methods = "exp,relu,softplus,sigmoid,linear,power:2,exp-plus:1,sparsemax,entmax15";
  std::vector<double> shifts{0.1, 1.0, 10.0};
  std::string json;
};

template <class T>
void run(const InvarianceOptions& o) {
  o.attention.apply_thread_count();
  const auto methods = parse_methods_option("--methods", o.methods);
  for (double s : o.shifts) {
    if (!std::isfinite(s)) throw attn::UsageError("--shifts: every shift must be a finite number");
  }
  const attn::Vectors<T> vectors = load_vectors<T>(o.attention.input, o.attention.keys, o.attention.selection);
  const auto results = attn::invariance_sweep(vectors, o.attention.spec(), methods, o.shifts);

  TextTable table({"method", "shift", "max_abs_diff", "mean_tv", "undefined_rows"});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    table.add_row({r.method, format_number(r.shift, 6), format_number(r.deviation.max_abs_diff),
                   format_number(r.deviation.mean_tv), std::to_string(r.deviation.undefined_rows)});
    rows.push_back({{"method", r.method},
                    {"shift", r.shift},
                    {"max_abs_diff", json_number(r.deviation.max_abs_diff)},
                    {"mean_tv", json_number(r.deviation.mean_tv)},
                    {"mean_kl", json_number(r.deviation.mean_kl)},
                    {"frobenius", json_number(r.deviation.frobenius)},
                    {"undefined_rows", r.deviation.undefined_rows}});
  }
  std::cout << "W(M) against W(0), s = alpha * (score + M); " << (o.attention.use_double ? "float64" : "float32")
            << ", score " << o.attention.score << ", alpha " << o.attention.alpha << "\n";
  table.print(std::cout);
  if (!o.json.empty()) {
    const nlohmann::json doc = {{"results", rows}};
    attn::write_json_atomically(o.json, doc);
  }
}

}  // namespace

Action add_invariance_command(CLI::App& app) {
  auto* sub = app.add_subcommand("invariance", "Deviation of W(M) from W(0) for each method and constant shift M");
  auto o = std::make_shared<InvarianceOptions>();
  o->attention.add_to(*sub);
  sub->add_option("--methods", o->methods, "Comma-separated methods")->capture_default_str();
  sub->add_option("--shifts", o->shifts, "Comma-separated shifts M")->delimiter(',')->capture_default_str();
  sub->add_option("--json", o->json, "Also write {\"results\": [...]} to this JSON file");
  return [o] { o->attention.use_double ? run<double>(*o) : run<float>(*o); };
}

}  // namespace cli
