#include "attention_options.hpp"

#include <cmath>
#include <iostream>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/kernels/methods.hpp"
#include "file_masks.hpp"

namespace cli {

void AttentionOptions::add_to(CLI::App& sub) {
  sub.add_option("--input,-i", input, "Vectors X (queries), n x d, .npy, .csv or ARCHIVE.npz:NAME")->required();
  sub.add_option("--keys,-k", keys, "Keys K, m x d (default: the input, i.e. self-attention)");
  sub.add_option("--layer", selection.layer, "Use this layer (from 0) of [L, H, n, d] files");
  sub.add_option("--head", selection.head, "Use this head (from 0) of [H, n, d] files, or of the chosen layer");
  sub.add_option("--score", score, "dot, scaled-dot, cosine or neg-sqdist")->capture_default_str();
  sub.add_option("--alpha,-a", alpha, "Inverse temperature: s = alpha * (score + shift)")->capture_default_str();
  sub.add_option("--mask", mask,
                 "file (a model file's own masks, key padding and bias, when --input is ARCHIVE.npz:[GROUP/]q; "
                 "none otherwise), none, or causal (key j > query i gets weight 0)")
      ->capture_default_str();
  sub.add_flag("--double", use_double, "Compute in float64 (default float32)");
  sub.add_option("--threads", threads, "Worker threads (default: all cores)");
}

attn::ScoreKind AttentionOptions::score_kind() const {
  try {
    return attn::parse_score_kind(score);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--score: ") + e.what());
  }
}

attn::Mask AttentionOptions::mask_kind() const {
  if (mask == "file") return attn::Mask::None;
  if (mask == "none" || mask == "causal") return attn::parse_mask(mask);
  throw attn::UsageError("--mask: unknown mask '" + mask + "' (choose file, none or causal)");
}

attn::AttentionSpec AttentionOptions::spec() const {
  attn::AttentionSpec out;
  out.score = score_kind();
  out.alpha = alpha;
  const FileMasks masks(*this);
  if (!masks.note().empty()) std::cerr << attn::one_line(masks.note()) << "\n";
  masks.apply(out, 0);
  return out;
}

void AttentionOptions::apply_thread_count() const {
  apply_threads_option(threads);
  if (!std::isfinite(alpha)) throw attn::UsageError("--alpha: must be a finite number");
}

void apply_threads_option(int threads) {
  if (threads < 0) throw attn::UsageError("--threads: must be 0 (all cores) or more");
  if (threads > attn::max_thread_count()) {
    std::cerr << "note: --threads " << threads << " is more than this machine can use; using "
              << attn::max_thread_count() << "\n";
  }
  attn::set_thread_count(threads);
}

std::vector<attn::Method> parse_methods_option(const std::string& option, const std::string& text) {
  try {
    return attn::parse_method_list(text);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(option + ": " + e.what());
  }
}

}  // namespace cli
