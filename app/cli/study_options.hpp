// Options of the studies of the methods after softmax (random-features, sinks, length): the
// score, alpha and mask, and either vectors from files or generated ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "attention_options.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/kernels/attention.hpp"

namespace cli {

struct StudyOptions {
  std::string input;  // empty: generated data
  std::string keys;
  StackSelection selection;
  std::string score = "scaled-dot";
  double alpha = 1.0;
  std::string mask = "none";
  std::string methods;
  std::string json;
  std::uint64_t seed = 1;
  int threads = 0;

  // `with_input` false: the study makes its own data (no --input / --keys).
  void add_to(CLI::App& sub, bool with_input);
  // The score, alpha and mask as a spec (its method is exp); throws UsageError naming the option.
  attn::AttentionSpec base_spec() const;
  std::vector<attn::Method> parsed_methods() const;
  // Writes `doc` to --json when given (atomically).
  void write_json(const nlohmann::json& doc) const;
};

nlohmann::json summary_json(const attn::Summary& s);
std::string mean_sd(const attn::Summary& s);
// Comma-separated whole numbers >= 1 given to `option`.
std::vector<attn::Index> parse_counts(const std::string& option, const std::string& text);

}  // namespace cli
