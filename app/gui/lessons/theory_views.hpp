// What the views of the theory steps of lessons 2 and 3 draw: where iterated attention leaves its
// clusters, drift up the density, diffusion of values, metric attention and token duplication.
// Computed by the engine in the background with the step's claims; the panels only draw it.
#pragma once

#include <string>
#include <vector>

#include "attn/base/types.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/theory/measure_duplication.hpp"
#include "attn/theory/propagation.hpp"
#include "compute/loaded_data.hpp"
#include "lessons/lesson_file.hpp"

namespace ax {

// The propagation view's modes (view_options.mode): the default moves points step by step.
enum class PropagationMode { Steps, Drift, Diffusion, Metric, Duplication };

struct DriftView {
  attn::MatD points, moved;  // x_i and y_i after one step
  attn::MatD log_density;    // grid rows (y) by columns (x) of log p over the bounds below
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  attn::Index uphill = 0;
};

struct DiffusionView {
  attn::MatD points;
  attn::Vec<double> smooth, rough;               // the two patterns after `steps` steps
  double smooth_scale = 1.0, rough_scale = 1.0;  // largest |value| at the start (colour range)
  double smooth_kept = 1.0, rough_kept = 1.0;    // variance kept
  int steps = 0;
};

struct MetricView {
  attn::MatD points;
  attn::MatD weights;                      // n by n metric-attention weights
  std::vector<attn::Index> most_attended;  // per point, the other point it attends to most
  int query = 0;                           // the point whose weights are shown
  bool singular = false;                   // the map has a null space: a pseudo-metric
  attn::Vec<double> null_direction;
};

struct DuplicationView {
  attn::MatD points;
  attn::Duplication effect;
  attn::Index token = 0;
};

struct TheoryView {
  PropagationMode mode = PropagationMode::Steps;
  std::vector<attn::Survivor> survivors;  // Steps mode with view_options.norm_ranks
  DriftView drift;
  DiffusionView diffusion;
  MetricView metric;
  DuplicationView duplication;
};

// Throws attn::InputError for an unknown name.
PropagationMode parse_propagation_mode(const std::string& name);

// The metric map of the step's state (lesson.metric_row1, metric_row2), 2 by 2.
attn::MatD metric_map_of(const AppState& state);

// The propagation view's data for its mode (view_options.mode, view_options.norm_ranks) into
// `out`, with `spec` the view's attention; the Steps mode reads `path`, the points after each
// step, and the cluster `radius`.
void compute_theory_view(const LessonStep& step, const AppState& state, const LoadedData& data,
                         const attn::AttentionSpec& spec, const std::vector<attn::MatD>& path, double radius,
                         TheoryView& out);

}  // namespace ax
