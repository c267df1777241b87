// Options shared by the subcommands that compute attention (weights, invariance, noise).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "attn/kernels/attention.hpp"
#include "attn/kernels/scores.hpp"
#include "attn/kernels/weights.hpp"

namespace cli {

// Which matrix of a stacked file to use: --layer picks one layer of a [L, H, n, d] file, --head
// one head of a [H, n, d] file (or of the chosen layer). -1: keep the whole stack.
struct StackSelection {
  int layer = -1;
  int head = -1;
};

struct AttentionOptions {
  std::string input;
  std::string keys;
  StackSelection selection;
  std::string score = "scaled-dot";
  double alpha = 1.0;
  std::string mask = "file";  // file: a model file's own masks (none for other inputs); none; causal
  bool use_double = false;
  int threads = 0;

  void add_to(CLI::App& sub);
  // Validate the text options; throw attn::UsageError naming the option.
  attn::ScoreKind score_kind() const;
  attn::Mask mask_kind() const;  // the rule of --mask none or causal ('file' gives none)
  // Score, alpha and mask of one matrix of vectors (--mask file: the model file's, printing a note
  // to stderr when it has any). Commands over a stack use FileMasks for each matrix instead.
  attn::AttentionSpec spec() const;
  void apply_thread_count() const;
};

// Parses a comma-separated method list given to `option`, prefixing errors with the option.
// --threads: 0 is all cores; negative is a usage error; above attn::max_thread_count() is capped
// with a note on stderr.
void apply_threads_option(int threads);

std::vector<attn::Method> parse_methods_option(const std::string& option, const std::string& text);

}  // namespace cli
