// What the compute service produces for one snapshot of the settings: everything the panels
// show, computed off the UI thread by the engine. Display matrices are float32 whatever the
// compute precision; deviations are measured in the compute precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/experiments/metrics.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/perturbation.hpp"
#include "attn/kernels/scores.hpp"
#include "attn/kernels/weights.hpp"
#include "compute/compute_path.hpp"
#include "compute/image_stats.hpp"
#include "compute/loaded_data.hpp"

namespace ax {

struct FunctionCurve {
  std::vector<double> z;
  std::vector<double> f;  // F(z) / max F over the range (shape comparison); NaN where undefined
  double f_max = 0.0;     // the factor divided out
};

struct MethodResult {
  std::string spec;   // as the user typed it
  std::string error;  // non-empty: the method could not be used (e.g. a formula error)
  bool ratio_form = true;
  attn::Weights<float> clean;  // #queries x #keys
  attn::Weights<float> perturbed;
  ImageStats clean_stats, perturbed_stats;
  // Of |perturbed - clean|, and of |clean - the model's weights| beside a model: the difference
  // views' colour ranges, taken by the compute job (the UI never scans an n x m difference).
  ImageStats difference_stats, reference_difference_stats;
  attn::Deviation deviation;  // perturbed against clean: max_abs_diff and row counts only
  attn::Vec<float> column_sums_clean, column_sums_perturbed;  // attention each key receives
  // Each row's mass sum_j w_ij (NaN for an undefined row) when the method's rows need not sum to 1
  // (sigmoid-attn, softmax1, softpick, stick-breaking); empty otherwise. Drawn beside the heatmap.
  attn::Vec<float> row_mass_clean, row_mass_perturbed;
  FunctionCurve curve;           // F over the range of the scores (ratio forms only)
  bool is_reference = false;     // the model's own weights (loaded), not a recomputed method
  attn::Deviation vs_reference;  // clean weights against the model's (when a reference is loaded)
};

struct Histogram {
  double lo = 0.0, hi = 1.0;
  std::vector<double> counts;
};

// What the streaming path needs to compute any window's pixels again: the vectors, the engine
// spec of each method and the perturbation (no n x m matrix).
struct StreamingInputs {
  attn::Vectors<float> vectors;
  std::vector<attn::AttentionSpec> specs;  // per method (unused where the method has an error)
  attn::Perturbation perturbation;
};

struct ComputeResult {
  std::uint64_t generation = 0;        // the request it answers (counts submissions)
  std::uint64_t clean_generation = 0;  // its clean stage's (the chart of the same number matches it)
  // Dense: every method's matrices are here. Streaming: they are not (n x m too large); the
  // heatmaps come from `streaming` pixel by pixel, and scores cover the first rows only.
  ComputePath path = ComputePath::Dense;
  std::shared_ptr<const StreamingInputs> streaming;
  bool weights_only = false;
  bool use_double = false;
  std::shared_ptr<const LoadedData> data;
  attn::Index queries = 0, keys = 0, dimension = 0;
  attn::MatF scores_clean, scores_perturbed;  // empty when weights_only
  std::vector<MethodResult> methods;
  Histogram score_histogram;           // of the clean scores
  attn::ExpectedShift expected_shift;  // s_g^2 d (dot) for the current vector noise
  bool perturbed = false;              // false: the perturbation is the identity
  // A model file's own weights of the head shown: the last entry of `methods` (is_reference),
  // and how far the model's own F (exp for a model file, a trained language model's F) recomputed
  // from its Q and K lands from it (the check that the export is what the user thinks it is; in the
  // compute precision, with the current score, alpha and mask).
  bool has_reference = false;
  attn::Deviation own_f_vs_reference;
  std::string own_f = "exp";
  bool versus_reference = false;      // difference views compare methods with the reference
  std::string mask_setting = "none";  // the attention mask it was computed with (none, causal, model)
  double compute_ms = 0.0;
};

// Deviation of W(M) from W(0) against the constant shift M, one curve per usable method.
// Computed on its own worker (it recomputes every method at every shift); it does not depend on
// the noise settings, so it stays on screen while M is dragged.
struct InvarianceChart {
  std::uint64_t clean_generation = 0;  // of the data and attention settings it was computed for
  std::vector<double> shifts;
  attn::Index rows = 0;  // queries used: all, or the first kChartMaxQueries
  attn::Index total_rows = 0;
  struct Curve {
    std::string spec;
    std::size_t method_index = 0;
    // One per shift: NaN where no row is defined (clean or shifted), so an undefined method has
    // no line, never a line on the floor of the axis that reads as "the most invariant".
    std::vector<double> max_abs_diff;
    std::vector<attn::Index> undefined_rows;  // one per shift: rows undefined clean or shifted
    bool undefined_everywhere() const {       // no point of the curve is defined
      return std::none_of(max_abs_diff.begin(), max_abs_diff.end(), [](double v) { return !std::isnan(v); });
    }
  };
  std::vector<Curve> curves;
  std::vector<std::string> omitted;  // why a method has no curve (linear-attn takes no score to shift)
};

}  // namespace ax
