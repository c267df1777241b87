#include "attn/lm/heldout.hpp"

#include <cmath>
#include <mutex>

#include "attn/base/errors.hpp"
#include "attn/base/parallel.hpp"
#include "attn/io/npz.hpp"

namespace attn {
namespace {

struct WindowScore {
  double loss = 0.0;
  Index correct = 0;
  Index undefined = 0, rows = 0;
};

WindowScore score_window(const LanguageModel& model, const HeldoutText& text, Index window,
                         const LmRunOptions& options) {
  const Index context = model.config.context;
  const std::span<const int> inputs(text.ids.data() + window * context, static_cast<std::size_t>(context));
  LmRunOptions o = options;
  o.record_heads = false;
  o.perturbation.draw = static_cast<std::uint64_t>(window);
  const LmRun<float> run = run_language_model<float>(model, inputs, o);
  WindowScore score;
  score.undefined = run.undefined_rows;
  score.rows = run.rows;
  for (Index t = 0; t < context; ++t) {
    const int target = text.ids[static_cast<std::size_t>(window * context + t + 1)];
    const Vec<double> logits = run.logits.row(t).transpose().cast<double>();
    Index best = 0;
    const double top = logits.maxCoeff(&best);
    score.loss += top + std::log((logits.array() - top).exp().sum()) - logits(target);
    if (best == target) ++score.correct;
  }
  return score;
}

}  // namespace

HeldoutText read_heldout_text(const std::string& path) {
  const NpzArchive archive(path);
  HeldoutText text;
  text.path = path;
  for (const char* name : {"ids", "vocab"}) {
    if (!archive.contains(name)) throw InputError(path + ": no member '" + name + "' (held-out text needs it)");
  }
  text.vocabulary = archive.strings("vocab");
  const NdArray ids = archive.array("ids");
  if (ids.rank() != 1 || ids.size() < 2) {
    throw InputError(path + ": member 'ids' has shape " + ids.shape_text() + " (need [N], N >= 2)");
  }
  text.ids.reserve(static_cast<std::size_t>(ids.size()));
  const auto vocabulary = static_cast<double>(text.vocabulary.size());
  for (Index k = 0; k < ids.size(); ++k) {
    const double id = ids.values[static_cast<std::size_t>(k)];
    if (id != std::floor(id) || id < 0.0 || id >= vocabulary) {
      throw InputError(path + ": member 'ids' [" + std::to_string(k) + "] is " + std::to_string(id) +
                       ", not a token id in [0, " + std::to_string(text.vocabulary.size()) + ")");
    }
    text.ids.push_back(static_cast<int>(id));
  }
  return text;
}

Index heldout_window_count(const HeldoutText& text, int context) {
  return context > 0 ? (static_cast<Index>(text.ids.size()) - 1) / context : 0;
}

LmScore evaluate_heldout(const LanguageModel& model, const HeldoutText& text, const LmRunOptions& options,
                         const ProgressReporter& progress, Index max_windows) {
  if (text.vocabulary != model.vocabulary.tokens()) {
    throw InputError(text.path + ": its vocabulary is not the one of " + model.path);
  }
  Index windows = heldout_window_count(text, model.config.context);
  if (max_windows >= 0) windows = std::min(windows, max_windows);
  if (windows == 0) throw InputError(text.path + ": fewer tokens than one window of the model's context");
  std::vector<WindowScore> scores(static_cast<std::size_t>(windows));
  std::mutex progress_mutex;
  int done = 0;
  parallel_for(windows, [&](Index k) {
    if (progress.cancel && progress.cancel->load()) throw Cancelled();
    scores[static_cast<std::size_t>(k)] = score_window(model, text, k, options);
    std::lock_guard<std::mutex> lock(progress_mutex);
    ++done;
    if (progress.on_progress) progress.on_progress(done, static_cast<int>(windows));
  });
  LmScore total;
  Index correct = 0, undefined = 0, rows = 0;
  for (const WindowScore& s : scores) {
    total.mean_loss += s.loss;
    correct += s.correct;
    undefined += s.undefined;
    rows += s.rows;
  }
  total.windows = windows;
  total.predictions = windows * model.config.context;
  total.mean_loss /= static_cast<double>(total.predictions);
  total.perplexity = std::exp(total.mean_loss);
  total.accuracy = static_cast<double>(correct) / static_cast<double>(total.predictions);
  total.undefined_fraction = static_cast<double>(undefined) / static_cast<double>(rows);
  return total;
}

}  // namespace attn
