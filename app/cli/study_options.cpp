#include "study_options.hpp"

#include <cmath>
#include <sstream>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"
#include "json_numbers.hpp"
#include "text_table.hpp"

namespace cli {

void StudyOptions::add_to(CLI::App& sub, bool with_input) {
  if (with_input) {
    sub.add_option("--input,-i", input, "Queries, n x d (.npy, .csv, ARCHIVE.npz:NAME); default: generated data");
    sub.add_option("--keys,-k", keys, "Keys, m x d (default: the input)");
    sub.add_option("--layer", selection.layer, "Use this layer (from 0) of [L, H, n, d] files");
    sub.add_option("--head", selection.head, "Use this head (from 0) of [H, n, d] files, or of the chosen layer");
  }
  sub.add_option("--score", score, "dot, scaled-dot, cosine or neg-sqdist")->capture_default_str();
  sub.add_option("--alpha,-a", alpha, "Inverse temperature")->capture_default_str();
  sub.add_option("--mask", mask, "none or causal")->capture_default_str();
  sub.add_option("--seed", seed, "Random seed (a whole number >= 0)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub.add_option("--json", json, "Also write the results to this JSON file");
  sub.add_option("--threads", threads, "Worker threads (default: all cores)");
}

attn::AttentionSpec StudyOptions::base_spec() const {
  apply_threads_option(threads);
  if (!std::isfinite(alpha)) throw attn::UsageError("--alpha: must be a finite number");
  attn::AttentionSpec spec;
  try {
    spec.score = attn::parse_score_kind(score);
    spec.mask = attn::parse_mask(mask);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--score/--mask: ") + e.what());
  }
  spec.alpha = alpha;
  return spec;
}

std::vector<attn::Method> StudyOptions::parsed_methods() const { return parse_methods_option("--methods", methods); }

void StudyOptions::write_json(const nlohmann::json& doc) const {
  if (json.empty()) return;
  attn::write_file_atomically(json, [&](std::ostream& out) { out << doc.dump(2) << "\n"; });
}

nlohmann::json summary_json(const attn::Summary& s) {
  return {{"mean", json_number(s.mean)},
          {"std", json_number(s.stddev)},
          {"min", json_number(s.min)},
          {"max", json_number(s.max)}};
}

std::string mean_sd(const attn::Summary& s) {
  return std::isnan(s.mean) ? "undefined" : format_number(s.mean) + " ± " + format_number(s.stddev, 2);
}

std::vector<attn::Index> parse_counts(const std::string& option, const std::string& text) {
  std::vector<attn::Index> out;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    char* end = nullptr;
    const long long value = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || end != item.c_str() + item.size() || value < 1 || value > (1LL << 40)) {
      throw attn::UsageError(option + ": '" + item + "' is not a whole number >= 1");
    }
    out.push_back(static_cast<attn::Index>(value));
  }
  if (out.empty()) throw attn::UsageError(option + ": give at least one number");
  return out;
}

}  // namespace cli
