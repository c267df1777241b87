#include "lessons/step_views.hpp"

#include <algorithm>

#include "attn/base/errors.hpp"
#include "attn/theory/propagation.hpp"
#include "attn/theory/smoothing_study.hpp"
#include "lessons/claim_support.hpp"
#include "lessons/word_attention.hpp"

namespace ax {
namespace {

using nlohmann::json;

// The method the lesson views use: the step's first.
std::string view_method(const AppState& state) {
  if (state.attention.methods.empty()) throw attn::InputError("the step has no method");
  return state.attention.methods.front();
}

}  // namespace

void compute_step_view(const LessonStep& step, const AppState& state, const LoadedData& data, const WordSet* words,
                       StepEvaluation& out) {
  switch (step.view) {
    case StepView::Propagation: {
      const attn::AttentionSpec spec = spec_of(state, view_method(state));
      out.propagation.path = attn::propagate(data.queries, spec, state.lesson.propagation_steps);
      out.propagation.groups = data.groups;
      out.propagation.radius = step.view_options.value("radius", 0.05);
      out.propagation.clusters = attn::count_clusters(out.propagation.path.back(), out.propagation.radius);
      compute_theory_view(step, state, data, spec, out.propagation.path, out.propagation.radius, out.theory);
      break;
    }
    case StepView::Classification: {
      const attn::TwoClassPoints points =
          attn::generate_two_class_data(two_class_config(step.view_options.value("data", json::object())));
      const attn::MatD smoothed = attn::propagate_once(points.points, spec_of(state, view_method(state))).points;
      const attn::Index shown = std::min<attn::Index>(2, points.points.cols());
      out.classification.before = points.points.leftCols(shown);
      out.classification.after = smoothed.leftCols(shown);
      out.classification.labels = points.labels;
      break;
    }
    case StepView::Words: {
      if (!words) throw attn::InputError("the words view needs view_options.words");
      const std::string method = view_method(state);
      out.sentences = pool_sentences(*words, parse_pooling_form(step.view_options.value("form", std::string("dot"))),
                                     state.lesson, attn::parse_method(method));
      break;
    }
    default: break;
  }
}

}  // namespace ax
