#include "lessons/theory_views.hpp"

#include <algorithm>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/theory/drift_diffusion.hpp"
#include "attn/theory/metric_attention.hpp"
#include "lessons/claim_support.hpp"

namespace ax {
namespace {

// A grid of the density estimate over the bounds of the points, for the drift view's shading.
void fill_density(DriftView& v, double alpha) {
  const attn::MatD& x = v.points;
  v.x0 = x.col(0).minCoeff(), v.x1 = x.col(0).maxCoeff(), v.y0 = x.col(1).minCoeff(), v.y1 = x.col(1).maxCoeff();
  const double pad = 0.08 * std::max({v.x1 - v.x0, v.y1 - v.y0, 1.0});
  v.x0 -= pad, v.x1 += pad, v.y0 -= pad, v.y1 += pad;
  constexpr attn::Index kCells = 48;
  attn::MatD at(kCells * kCells, 2);
  for (attn::Index r = 0; r < kCells; ++r) {
    for (attn::Index k = 0; k < kCells; ++k) {
      at.row(r * kCells + k) << v.x0 + (v.x1 - v.x0) * (static_cast<double>(k) + 0.5) / kCells,
          v.y0 + (v.y1 - v.y0) * (static_cast<double>(r) + 0.5) / kCells;
    }
  }
  const attn::VecD log_p = attn::kernel_log_density(x, at, alpha);
  v.log_density = Eigen::Map<const attn::MatD>(log_p.data(), kCells, kCells);
}

}  // namespace

PropagationMode parse_propagation_mode(const std::string& name) {
  static constexpr attn::NameOf<PropagationMode> kModes[] = {{PropagationMode::Steps, "steps"},
                                                             {PropagationMode::Drift, "drift"},
                                                             {PropagationMode::Diffusion, "diffusion"},
                                                             {PropagationMode::Metric, "metric"},
                                                             {PropagationMode::Duplication, "duplication"}};
  if (const auto mode = attn::value_of(kModes, name)) return *mode;
  throw attn::InputError("unknown propagation view mode '" + name + "' (" + attn::choices_of(kModes) + ")");
}

attn::MatD metric_map_of(const AppState& s) {
  attn::MatD a(2, 2);
  a << s.lesson.metric_row1[0], s.lesson.metric_row1[1], s.lesson.metric_row2[0], s.lesson.metric_row2[1];
  return a;
}

void compute_theory_view(const LessonStep& step, const AppState& state, const LoadedData& data,
                         const attn::AttentionSpec& spec, const std::vector<attn::MatD>& path, double radius,
                         TheoryView& out) {
  out.mode = parse_propagation_mode(step.view_options.value("mode", std::string("steps")));
  const attn::MatD& x = points_of(data);
  switch (out.mode) {
    case PropagationMode::Steps:
      if (step.view_options.value("norm_ranks", false) && !path.empty()) {
        out.survivors = attn::survivors(x, path.back(), radius);
      }
      break;
    case PropagationMode::Drift: {
      const attn::DriftCheck d = attn::measure_drift(x, spec, state.attention.alpha);
      out.drift.points = x;
      out.drift.moved = x + d.displacement;
      out.drift.uphill = d.uphill;
      fill_density(out.drift, state.attention.alpha);
      break;
    }
    case PropagationMode::Diffusion: {
      const attn::Diffusion d = attn::diffuse_values(x, spec, state.lesson.propagation_steps, 1);
      out.diffusion.points = x;
      out.diffusion.smooth = d.smooth.back();
      out.diffusion.rough = d.rough.back();
      out.diffusion.smooth_scale = d.smooth.front().cwiseAbs().maxCoeff();
      out.diffusion.rough_scale = d.rough.front().cwiseAbs().maxCoeff();
      out.diffusion.smooth_kept = d.smooth_kept.back();
      out.diffusion.rough_kept = d.rough_kept.back();
      out.diffusion.steps = state.lesson.propagation_steps;
      break;
    }
    case PropagationMode::Metric: {
      const attn::MatD a = metric_map_of(state);
      const attn::Weights<double> w = attn::metric_attention(x, a, spec);
      out.metric.points = x;
      out.metric.weights = w.matrix;
      out.metric.most_attended = attn::most_attended_other(w);
      out.metric.query = std::clamp(state.lesson.metric_query, 0, static_cast<int>(x.rows()) - 1);
      const attn::NullSpaceCheck check = attn::null_space_check(x, a, spec);
      out.metric.singular = check.singular;
      out.metric.null_direction = check.direction;
      break;
    }
    case PropagationMode::Duplication: {
      out.duplication.token = step.view_options.value("token", 0);
      out.duplication.points = x;
      out.duplication.effect = attn::duplication_effect(x, spec, out.duplication.token);
      break;
    }
  }
}

}  // namespace ax
