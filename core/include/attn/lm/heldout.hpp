// Held-out text and how well a language model predicts it, clean or perturbed.
//
// The held-out file (assets/models/heldout.npz, tools/train_tiny_lm.py) holds `ids` (float32
// integers), `vocab` and `config`. Windows of the model's context T: inputs ids[kT : kT + T],
// targets ids[kT + 1 : kT + T + 1], k = 0 .. (N - 1) / T - 1, as the training script evaluates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/base/progress.hpp"
#include "attn/base/types.hpp"
#include "attn/lm/forward.hpp"

namespace attn {

struct HeldoutText {
  std::string path;
  std::vector<int> ids;
  std::vector<std::string> vocabulary;
};

// Throws InputError naming the file: a missing member, an id that is not an integer in
// [0, vocabulary size), fewer than two tokens.
HeldoutText read_heldout_text(const std::string& path);

// Number of evaluation windows of `context` tokens.
Index heldout_window_count(const HeldoutText& text, int context);

struct LmScore {
  double mean_loss = 0.0;           // mean cross-entropy (nats) over every predicted token
  double perplexity = 0.0;          // exp(mean_loss)
  double accuracy = 0.0;            // fraction of tokens whose most probable prediction is the next token
  double undefined_fraction = 0.0;  // undefined rows / all rows of every layer and head
  Index predictions = 0;
  Index windows = 0;
};

// Runs every window (or the first `max_windows`) through the model in float, in parallel; the
// sums are taken in window order, so the result does not depend on the thread count. With noise,
// window k draws its own g and l_t from (perturbation.seed, draw k): one shared vector per
// sequence, as the noisy models were trained. Reports progress per window and stops at the
// cancel flag (attn::Cancelled). Throws InputError when the text's vocabulary is not the model's.
LmScore evaluate_heldout(const LanguageModel& model, const HeldoutText& text, const LmRunOptions& options,
                         const ProgressReporter& progress = {}, Index max_windows = -1);

}  // namespace attn
