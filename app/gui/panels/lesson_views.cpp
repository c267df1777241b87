// The views of lesson steps: the explorer's heatmaps and charts, figures of sweeps, points moved
// by attention, a sentence pooled by fixed attention, and two classes smoothed once. Everything
// drawn comes from the step's evaluation (computed by the engine in the background).
#include "panels/lesson_views.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "imgui.h"
#include "panels/chart_panels.hpp"
#include "panels/heatmap_grid.hpp"
#include "panels/lesson_view_parts.hpp"
#include "panels/lesson_views_theory.hpp"
#include "panels/method_colours.hpp"
#include "panels/sentence_panels.hpp"
#include "widgets/bar_chart.hpp"
#include "widgets/palette.hpp"
#include "widgets/plane.hpp"
#include "widgets/plot.hpp"
#include "widgets/text_table.hpp"
#include "widgets/wrapped_text.hpp"

namespace ax {

namespace {

const LessonStep& current_step(const UiContext& ctx) { return *ctx.app.current_step(); }

// A heatmap smaller than this (px) is not read from the back of a room.
constexpr float kReadableHeatmapSide = 120.0f;

void explorer_view(UiContext& ctx) {
  if (ctx.hide_answers) {
    ImGui::PushTextWrapPos(0.0f);  // a sentence cut at the edge reads as another
    ImGui::TextDisabled("The clean weights; the changes and the charts appear with the answer.");
    ImGui::PopTextWrapPos();
    draw_heatmap_grid(ctx);
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (ctx.data && ctx.data->sentence) {
    // A language model: its next-token predictions under the step's perturbation, below the head.
    ImGui::BeginChild("heatmaps", ImVec2(avail.x, avail.y * 0.55f));
    draw_heatmap_grid(ctx);
    ImGui::EndChild();
    draw_predictions_panel(ctx);
    return;
  }
  // Little room for everything (large type on a small screen, or heatmaps below a readable side
  // beside the charts: 80 px for lesson 1 step 7 at 1024 x 768): one thing at a time, in tabs.
  // The side is the one measured when this view was last drawn with its charts at this size, so
  // a frame drawn in tabs does not change the choice.
  UiScratch::SplitMeasure& split = ctx.scratch.lesson_split;
  const std::size_t maps = ctx.result ? ctx.result->methods.size() : 0;
  const bool small_maps = split.width == avail.x && split.height == avail.y && split.maps == maps &&
                          split.side > 0.0f && split.side < kReadableHeatmapSide;
  if (ctx.state.view.show_charts && (avail.y < 40.0f * ImGui::GetTextLineHeight() || small_maps)) {
    draw_chart_tabs(ctx, "lesson charts", true);
    return;
  }
  const float grid_height = ctx.state.view.show_charts ? avail.y * 0.62f : avail.y;
  ImGui::BeginChild("heatmaps", ImVec2(avail.x, grid_height));
  draw_heatmap_grid(ctx);
  ImGui::EndChild();
  float side = 0.0f;
  for (const auto& [name, r] : ctx.scratch.drawn.layout) {
    if (name.rfind("heatmap:", 0) == 0)
      side = side > 0.0f ? std::min({side, r[2] - r[0], r[3] - r[1]}) : std::min(r[2] - r[0], r[3] - r[1]);
  }
  split = {avail.x, avail.y, side, maps};
  if (!ctx.state.view.show_charts) return;
  const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) / 2;
  ImGui::BeginChild("invariance", ImVec2(half, 0));
  draw_invariance_chart(ctx);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("functions", ImVec2(0, 0));
  draw_function_chart(ctx);
  ImGui::EndChild();
}

void figure_view(UiContext& ctx) {
  if (ctx.hide_answers) {
    ImGui::TextWrapped("The measured figure appears with the answer (right arrow).");
    return;
  }
  if (!ctx.evaluation || ctx.evaluation->figures.empty()) {
    lesson_view_waiting(ctx);
    return;
  }
  const auto& figures = ctx.evaluation->figures;
  // Each figure shares the pane, but never below ten lines of its type: lesson 6's four length
  // figures, presenting at 1280 x 720, got 45 px of plot each (the pane scrolls instead).
  const float least = ImGui::GetTextLineHeight() * 10.0f;
  const float height =
      (ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(figures.size())) /
      static_cast<float>(figures.size());
  for (std::size_t f = 0; f < figures.size(); ++f) {
    const Figure& figure = figures[f];
    ImGui::TextUnformatted(figure.title.c_str());
    // A line named after a method takes that method's colour, as in the heatmaps and charts.
    std::vector<std::string> labels;
    for (const auto& s : figure.series) labels.push_back(s.label);
    const std::vector<ImU32> colours = widgets::method_colours(labels);
    std::vector<widgets::PlotSeries> series;
    for (std::size_t k = 0; k < figure.series.size(); ++k) {
      series.push_back({figure.series[k].label, figure.series[k].x, figure.series[k].y, colours[k], 2.0f, true});
    }
    widgets::PlotOptions options;
    options.x_label = figure.x_label.c_str();
    options.y_label = figure.y_label.c_str();
    options.log_x = figure.log_x;
    options.log_y = figure.log_y;
    widgets::Plot(("figure" + std::to_string(f)).c_str(),
                  ImVec2(ImGui::GetContentRegionAvail().x, std::max(height, least)), series, options);
  }
}

// Under each cluster, the norm rank of the starting point it sits on (1 = the longest).
void survivor_labels(widgets::Plane& plane, const std::vector<attn::Survivor>& survivors) {
  for (const auto& s : survivors) {
    const std::string text = "norm #" + std::to_string(s.norm_rank);
    plane.label(s.position(0), s.position(1), text.c_str(), IM_COL32(255, 210, 80, 255));
  }
}

// The points moved by attention, step by step. The controller plays the steps (and moves them to
// the claim's steps when the answer shows).
void propagation_view(UiContext& ctx) {
  LessonSettings& lesson = ctx.state.lesson;
  if (current_step(ctx).view_options.value("mode", std::string("steps")) != "steps") {
    draw_theory_view(ctx);
    return;
  }
  if (ImGui::Button("step")) ++lesson.propagation_steps;
  ImGui::SameLine();
  if (ImGui::Button(lesson.playing ? "pause" : "play")) lesson.playing = !lesson.playing;
  ImGui::SameLine();
  if (ImGui::Button("reset")) {
    lesson.propagation_steps = 0;
    lesson.playing = false;
  }
  ImGui::SameLine();
  float alpha = static_cast<float>(ctx.state.attention.alpha);
  ImGui::SetNextItemWidth(180.0f);
  if (ImGui::SliderFloat("alpha", &alpha, 0.05f, 50.0f, "%.3g", ImGuiSliderFlags_Logarithmic))
    ctx.state.attention.alpha = alpha;
  if (!ctx.evaluation || ctx.evaluation->propagation.path.empty()) {
    lesson_view_waiting(ctx);
    return;
  }
  const PropagationData& p = ctx.evaluation->propagation;
  const attn::MatD& start = p.path.front();
  const attn::MatD& now = p.path.back();
  const int steps = static_cast<int>(p.path.size()) - 1;
  if (ctx.hide_answers) {
    ImGui::Text("after %d step%s; score %s", steps, steps == 1 ? "" : "s", ctx.state.attention.score.c_str());
  } else {
    ImGui::Text("after %d step%s: %ld cluster%s (points closer than %.3g counted as one); score %s", steps,
                steps == 1 ? "" : "s", static_cast<long>(p.clusters), p.clusters == 1 ? "" : "s", p.radius,
                ctx.state.attention.score.c_str());
  }
  double x0, x1, y0, y1;
  lesson_view_bounds({&start}, x0, x1, y0, y1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::min(avail.x, avail.y);
  widgets::Plane plane("propagation", ImVec2(side, side), x0, x1, y0, y1);
  for (attn::Index i = 0; i < now.rows(); ++i) {
    const int group = p.groups.empty() ? 0 : p.groups[static_cast<std::size_t>(i)];
    const ImU32 colour = widgets::method_colour(static_cast<std::size_t>(group));
    // Faint trail of every step, and the last step as an arrow.
    for (std::size_t k = 1; k < p.path.size(); ++k) {
      const auto& a = p.path[k - 1];
      const auto& b = p.path[k];
      if (k + 1 == p.path.size()) {
        plane.arrow(a(i, 0), a(i, 1), b(i, 0), b(i, 1), colour, 1.5f);
      } else {
        plane.draw()->AddLine(plane.to_screen(a(i, 0), a(i, 1)), plane.to_screen(b(i, 0), b(i, 1)),
                              (colour & 0x00FFFFFF) | 0x50000000);
      }
    }
    plane.draw()->AddCircle(plane.to_screen(start(i, 0), start(i, 1)), 3.0f, (colour & 0x00FFFFFF) | 0x90000000);
    plane.draw()->AddCircleFilled(plane.to_screen(now(i, 0), now(i, 1)), 4.0f, colour);
  }
  if (!ctx.hide_answers) survivor_labels(plane, ctx.evaluation->theory.survivors);
}

void words_plane(UiContext& ctx, const std::vector<SentencePooling>& sentences, bool draggable_theta, bool two_heads) {
  LessonSettings& lesson = ctx.state.lesson;
  // The plane shows every word, every pooled vector and the theta arrows.
  attn::MatD everything(0, 2);
  auto add = [&](double x, double y) {
    everything.conservativeResize(everything.rows() + 1, 2);
    everything.row(everything.rows() - 1) << x, y;
  };
  for (const auto& s : sentences) {
    for (attn::Index k = 0; k < s.vectors.rows(); ++k) add(s.vectors(k, 0), s.vectors(k, 1));
    if (s.pooled.size() == 2 && s.defined) add(s.pooled(0), s.pooled(1));
  }
  if (draggable_theta) add(lesson.theta[0], lesson.theta[1]);
  if (two_heads) add(lesson.theta2[0], lesson.theta2[1]);
  double x0, x1, y0, y1;
  lesson_view_bounds({&everything}, x0, x1, y0, y1);
  const double reach = std::max({std::abs(x0), std::abs(x1), std::abs(y0), std::abs(y1), 2.5}) * 1.1;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::min(avail.x * 0.5f, avail.y);
  widgets::Plane plane("words", ImVec2(side, side), -reach, reach, -reach, reach);
  // Every word once (the sentences share words), labelled.
  std::vector<std::string> drawn;
  for (const auto& s : sentences) {
    for (std::size_t k = 0; k < s.tokens.size(); ++k) {
      if (std::find(drawn.begin(), drawn.end(), s.tokens[k]) != drawn.end()) continue;
      drawn.push_back(s.tokens[k]);
      const double x = s.vectors(static_cast<attn::Index>(k), 0), y = s.vectors(static_cast<attn::Index>(k), 1);
      plane.arrow(0, 0, x, y, IM_COL32(150, 150, 160, 200), 1.2f);
      plane.label(x, y, s.tokens[k].c_str(), IM_COL32(230, 230, 235, 255));
    }
  }
  // Pooled vectors (2-D forms) as coloured markers.
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    const auto& s = sentences[k];
    if (s.pooled.size() != 2 || !s.defined) continue;
    const ImU32 colour = k == 0 ? widgets::kCleanColour : widgets::kPerturbedColour;
    plane.arrow(0, 0, s.pooled(0), s.pooled(1), colour, 3.0f);
    plane.label(s.pooled(0), s.pooled(1), ("'" + s.name + "' pooled").c_str(), colour);
  }
  auto record_labels = [&] {
    for (std::size_t k = 0; k < plane.label_rects().size(); ++k)
      ctx.scratch.drawn.layout["label:words:" + std::to_string(k)] = plane.label_rects()[k];
  };
  if (!draggable_theta) {
    record_labels();
    return;
  }
  plane.arrow(0, 0, lesson.theta[0], lesson.theta[1], IM_COL32(255, 210, 80, 255), 2.5f);
  plane.label(lesson.theta[0], lesson.theta[1], two_heads ? "theta 1 (drag)" : "theta (drag)",
              IM_COL32(255, 210, 80, 255));
  if (two_heads) {
    plane.arrow(0, 0, lesson.theta2[0], lesson.theta2[1], IM_COL32(200, 120, 255, 255), 2.5f);
    plane.label(lesson.theta2[0], lesson.theta2[1], "theta 2 (drag)", IM_COL32(200, 120, 255, 255));
  }
  record_labels();
  if (plane.active() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    double x = 0, y = 0;
    plane.to_plane(ImGui::GetIO().MousePos, x, y);
    // Drag the nearer of the two arrow tips.
    auto& target = (two_heads && std::hypot(x - lesson.theta2[0], y - lesson.theta2[1]) <
                                     std::hypot(x - lesson.theta[0], y - lesson.theta[1]))
                       ? lesson.theta2
                       : lesson.theta;
    target = {std::clamp(x, -reach, reach), std::clamp(y, -reach, reach)};
  }
}

// A table of the step's view, its rectangle and every cell's text rectangle in the layout report
// ("table:ID", "table:ID:K"), so that the layout walk sees a word broken over lines.
void recorded_table(UiContext& ctx, const std::string& id, const std::vector<std::vector<widgets::TableCell>>& rows) {
  std::vector<std::array<float, 4>> cells;
  widgets::TextTable(id.c_str(), rows, &cells);
  record_layout(ctx, "table:" + id);
  for (std::size_t k = 0; k < cells.size(); ++k)
    ctx.scratch.drawn.layout["table:" + id + ":" + std::to_string(k)] = cells[k];
}

// A words x words grid of numbers, brighter for larger magnitudes.
void number_grid(UiContext& ctx, const std::string& id, const std::vector<std::string>& tokens,
                 const attn::MatD& values, const char* format) {
  const double largest = std::max(values.cwiseAbs().maxCoeff(), 1e-300);
  std::vector<std::vector<widgets::TableCell>> rows(1, std::vector<widgets::TableCell>{{""}});
  for (const auto& t : tokens) rows[0].push_back({t});
  for (attn::Index i = 0; i < values.rows(); ++i) {
    rows.push_back({{tokens[static_cast<std::size_t>(i)]}});
    for (attn::Index j = 0; j < values.cols(); ++j) {
      char text[32];
      std::snprintf(text, sizeof text, format, values(i, j));
      const float alpha = static_cast<float>(0.35 + 0.65 * std::abs(values(i, j)) / largest);
      rows.back().push_back({text, ImGui::GetColorU32(ImVec4(1.0f, 1.0f, 1.0f, alpha))});
    }
  }
  recorded_table(ctx, id, rows);
}

// Ylipää's names against the usual transformer names for the same computation.
void naming_table(UiContext& ctx) {
  recorded_table(ctx, "naming",
                 {{{""}, {"Ylipaa's slides"}, {"transformers"}},
                  {{"query"}, {"each word x_i"}, {"theta, or q_i = W_q x_i"}},
                  {{"key"}, {"theta, or k_j"}, {"each word, k_j = W_k x_j"}}});
}

void words_view(UiContext& ctx) {
  if (!ctx.evaluation || ctx.evaluation->sentences.empty()) {
    lesson_view_waiting(ctx);
    return;
  }
  const LessonStep& step = current_step(ctx);
  const std::string form = step.view_options.value("form", std::string("dot"));
  const bool gradient = step.view_options.value("gradient", false);
  const auto& sentences = ctx.evaluation->sentences;
  const bool attention = form == "dot" || form == "mlp" || form == "heads";
  ImGui::Checkbox("shuffle the words", &ctx.state.lesson.shuffled);
  ImGui::BeginGroup();
  words_plane(ctx, sentences, form == "dot" || form == "heads", form == "heads");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  const float width = ImGui::GetContentRegionAvail().x;
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    const auto& s = sentences[k];
    std::string sentence;
    for (const auto& t : s.tokens) sentence += t + " ";
    widgets::WrappedText(sentence, k == 0 ? widgets::kCleanColour : widgets::kPerturbedColour);
    if (std::isfinite(s.sentiment)) {
      if (ctx.hide_answers) {
        widgets::WrappedText("sentiment: shown with the answer", ImGui::GetColorU32(ImGuiCol_TextDisabled));
      } else {
        // Wrapped at spaces: a value cut at the edge ("0.93" for 0.931) would read as another.
        char text[128];
        std::snprintf(
            text, sizeof text,
            s.pooled.size() == 4 ? "sentiment sigma(r . [v_1; v_2]) = %.3f (%s)" : "sentiment sigma(u . f) = %.3f (%s)",
            s.sentiment, s.sentiment > 0.5 ? "positive" : "negative");
        widgets::WrappedText(text);
      }
    }
    if (attention && s.weights.size() > 0) {
      std::vector<double> w(s.weights.data(), s.weights.data() + s.weights.size());
      std::vector<double> w2(s.weights2.data(), s.weights2.data() + s.weights2.size());
      std::vector<widgets::BarSeries> bars = {{"head 1 (theta 1)", w, IM_COL32(255, 210, 80, 255)}};
      if (!w2.empty()) bars.push_back({"head 2 (theta 2)", w2, IM_COL32(200, 120, 255, 255)});
      // The gradient reaching each score, relative to the largest (the answer to the step's question).
      std::vector<double> reach;
      if (gradient && !ctx.hide_answers && s.score_gradient.size() > 0) {
        const double largest = s.score_gradient.cwiseAbs().maxCoeff();
        for (attn::Index i = 0; i < s.score_gradient.size(); ++i)
          reach.push_back(largest > 0 ? std::abs(s.score_gradient(i)) / largest : 0.0);
        bars.push_back({"|dz/dg_i| / largest", reach, IM_COL32(200, 120, 255, 255)});
      }
      widgets::BarOptions options;
      options.labels = s.tokens;
      options.y_max = 1.0;  // the same scale for both sentences
      // The title wraps above the chart (drawn by the chart it ran off the pane's edge).
      widgets::WrappedText(!reach.empty() ? "a_i (yellow); |dz/dg_i| / largest (purple)"
                           : w2.empty()   ? "attention weights a_i"
                                          : "attention weights: head 1 (yellow), head 2 (purple)");
      // Tall enough for bars above up to three staggered rows of word labels in large type.
      const float height = std::max(130.0f, ImGui::GetTextLineHeight() * 8.5f);
      widgets::BarChart(("weights" + std::to_string(k)).c_str(), ImVec2(width, height), bars, options);
      record_layout(ctx, "chart:weights" + std::to_string(k));
    }
    if (s.pooled.size() > 0) {
      std::string pooled;
      char buffer[32];
      for (attn::Index d = 0; d < s.pooled.size(); ++d) {
        std::snprintf(buffer, sizeof buffer, "%s%.3f", d ? ", " : "", s.pooled(d));
        pooled += buffer;
      }
      widgets::WrappedText("pooled f = (" + pooled + ")", ImGui::GetColorU32(ImGuiCol_TextDisabled));
    }
    ImGui::Spacing();
  }
  ImGui::EndGroup();
  // The tables across the pane, below: beside the plane they were wider than their column.
  if (form == "qkv") naming_table(ctx);
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    const auto& s = sentences[k];
    if (gradient && !ctx.hide_answers && k + 1 == sentences.size() && s.jacobian.size() > 0) {
      ImGui::TextUnformatted("softmax Jacobian da_i/dg_j = diag(a) - a a^T");
      number_grid(ctx, "jacobian" + std::to_string(k), s.tokens, s.jacobian, "%.3f");
    }
    if (form == "qkv" && s.self_weights.size() > 0) {
      ImGui::TextUnformatted(("'" + s.name + "': self-attention weights (rows: queries, columns: keys)").c_str());
      number_grid(ctx, "qkv" + std::to_string(k), s.tokens, s.self_weights, "%.2f");
    }
  }
}

void scatter(const char* id, const attn::MatD& points, const std::vector<int>& labels, float side, double x0, double x1,
             double y0, double y1) {
  widgets::Plane plane(id, ImVec2(side, side), x0, x1, y0, y1);
  for (attn::Index i = 0; i < points.rows(); ++i) {
    const int label = static_cast<std::size_t>(i) < labels.size() ? labels[static_cast<std::size_t>(i)] : 0;
    const double y = points.cols() > 1 ? points(i, 1) : 0.0;
    plane.draw()->AddCircleFilled(plane.to_screen(points(i, 0), y), 3.0f,
                                  label == 0 ? widgets::kCleanColour : widgets::kPerturbedColour);
  }
}

void classification_view(UiContext& ctx) {
  if (!ctx.evaluation || ctx.evaluation->classification.before.size() == 0) {
    lesson_view_waiting(ctx);
    return;
  }
  const ClassificationData& c = ctx.evaluation->classification;
  double x0, x1, y0, y1;
  lesson_view_bounds({&c.before}, x0, x1, y0, y1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::min((avail.x - 12.0f) / 2.0f, avail.y - ImGui::GetTextLineHeightWithSpacing() * 3.0f);
  ImGui::TextWrapped(
      "The two classes (blue, orange) in their first two coordinates: as generated (left) and after one "
      "smoothing step y_i = sum_j w_ij x_j (right, same scale). Accuracies are in the claims, averaged over "
      "many random choices of the labelled points.");
  ImGui::BeginGroup();
  ImGui::TextUnformatted("before");
  scatter("before", c.before, c.labels, side, x0, x1, y0, y1);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted("after one step");
  scatter("after", c.after, c.labels, side, x0, x1, y0, y1);
  ImGui::EndGroup();
}

}  // namespace

void draw_lesson_view(UiContext& ctx) {
  const LessonStep& step = current_step(ctx);
  // Every caption of a view wraps at the window's edge rather than running off it (a cut
  // sentence or number reads as another).
  ImGui::PushTextWrapPos(0.0f);
  switch (step.view) {
    case StepView::Explorer: explorer_view(ctx); break;
    case StepView::Figure: figure_view(ctx); break;
    case StepView::Propagation: propagation_view(ctx); break;
    case StepView::Words: words_view(ctx); break;
    case StepView::Classification: classification_view(ctx); break;
  }
  ImGui::PopTextWrapPos();
}

}  // namespace ax
