// The propagation view's theory modes: drift up the density, diffusion of values, metric
// attention and token duplication. Everything drawn comes from the step's evaluation.
#include "panels/lesson_views_theory.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "colour/colormap.hpp"
#include "imgui.h"
#include "panels/lesson_view_parts.hpp"
#include "widgets/palette.hpp"
#include "widgets/plane.hpp"
#include "widgets/wrapped_text.hpp"

namespace ax {
namespace {

ImU32 colour_of(Colormap map, double t, int alpha = 255) {
  const Rgb c = colormap_colour(map, t);
  return IM_COL32(c.r, c.g, c.b, alpha);
}

void drift_view(UiContext& ctx, const DriftView& d) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::min(avail.x, avail.y - ImGui::GetTextLineHeightWithSpacing() * 2);
  if (ctx.hide_answers) {
    ImGui::TextDisabled("shading: the density estimate of the points; the arrows appear with the answer");
  } else {
    ImGui::Text(
        "shading: log density estimate (bright = dense); arrows: x_i -> y_i after one step; %ld of %ld points moved uphill",
        static_cast<long>(d.uphill), static_cast<long>(d.points.rows()));
  }
  widgets::Plane plane("drift", ImVec2(side, side), d.x0, d.x1, d.y0, d.y1);
  const attn::Index cells = d.log_density.rows();
  if (cells > 0) {
    const double top = d.log_density.maxCoeff();
    const double range = 6.0;  // the shading spans e^6 of density below the highest cell
    for (attn::Index r = 0; r < cells; ++r) {
      for (attn::Index k = 0; k < cells; ++k) {
        const double t = std::clamp((d.log_density(r, k) - top + range) / range, 0.0, 1.0);
        const ImVec2 a = plane.to_screen(d.x0 + (d.x1 - d.x0) * static_cast<double>(k) / static_cast<double>(cells),
                                         d.y0 + (d.y1 - d.y0) * static_cast<double>(r) / static_cast<double>(cells));
        const ImVec2 b =
            plane.to_screen(d.x0 + (d.x1 - d.x0) * static_cast<double>(k + 1) / static_cast<double>(cells),
                            d.y0 + (d.y1 - d.y0) * static_cast<double>(r + 1) / static_cast<double>(cells));
        plane.draw()->AddRectFilled(ImVec2(std::min(a.x, b.x), std::min(a.y, b.y)),
                                    ImVec2(std::max(a.x, b.x), std::max(a.y, b.y)), colour_of(Colormap::Magma, t, 170));
      }
    }
  }
  for (attn::Index i = 0; i < d.points.rows(); ++i) {
    if (!ctx.hide_answers)
      plane.arrow(d.points(i, 0), d.points(i, 1), d.moved(i, 0), d.moved(i, 1), widgets::kCleanColour, 1.5f);
    plane.draw()->AddCircleFilled(plane.to_screen(d.points(i, 0), d.points(i, 1)), 3.0f, IM_COL32(235, 235, 240, 255));
  }
}

void values_plane(const char* id, const char* title, const attn::MatD& points, const attn::VecD& values, double scale,
                  float side, double x0, double x1, double y0, double y1) {
  ImGui::BeginGroup();
  // The title within the plane's width, in a two-line header (both planes start level).
  const float top = ImGui::GetCursorPosY();
  widgets::WrappedText(title, 0, side);
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), top + ImGui::GetTextLineHeightWithSpacing() * 2.0f));
  widgets::Plane plane(id, ImVec2(side, side), x0, x1, y0, y1);
  for (attn::Index i = 0; i < points.rows(); ++i) {
    const double t = 0.5 + 0.5 * values(i) / (scale > 0.0 ? scale : 1.0);
    const ImVec2 p = plane.to_screen(points(i, 0), points(i, 1));
    plane.draw()->AddCircleFilled(p, 6.0f, colour_of(Colormap::Diverging, t));
    plane.draw()->AddCircle(p, 6.0f, IM_COL32(20, 20, 25, 255));
  }
  ImGui::EndGroup();
}

void diffusion_view(UiContext& ctx, const DiffusionView& d) {
  LessonSettings& lesson = ctx.state.lesson;
  if (ImGui::Button("step")) ++lesson.propagation_steps;
  ImGui::SameLine();
  if (ImGui::Button("reset")) lesson.propagation_steps = 0;
  ImGui::SameLine();
  if (ctx.hide_answers) {
    ImGui::Text("after %d step%s", d.steps, d.steps == 1 ? "" : "s");
  } else {
    ImGui::Text("after %d step%s the smooth pattern keeps %.0f%% of its variance, the rough one %.1f%%", d.steps,
                d.steps == 1 ? "" : "s", 100 * d.smooth_kept, 100 * d.rough_kept);
  }
  ImGui::TextDisabled(
      "The points stay put; each value becomes the kernel-weighted mean of the values (blue -1, white 0, red +1, "
      "relative to the largest starting value).");
  double x0, x1, y0, y1;
  lesson_view_bounds({&d.points}, x0, x1, y0, y1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side =
      std::min((avail.x - ImGui::GetStyle().ItemSpacing.x) / 2, avail.y - ImGui::GetTextLineHeightWithSpacing() * 2.5f);
  values_plane("smooth", "smooth pattern: the first coordinate", d.points, d.smooth, d.smooth_scale, side, x0, x1, y0,
               y1);
  ImGui::SameLine();
  values_plane("rough", "rough pattern: a random sign per point", d.points, d.rough, d.rough_scale, side, x0, x1, y0,
               y1);
}

void metric_controls(LessonSettings& lesson) {
  auto preset = [&](const char* label, std::array<double, 2> a, std::array<double, 2> b) {
    if (ImGui::Button(label)) lesson.metric_row1 = a, lesson.metric_row2 = b;
    ImGui::SameLine();
  };
  preset("identity", {1, 0}, {0, 1});
  preset("stretch x", {3, 0}, {0, 1});
  preset("shear", {1, 1.5}, {0, 1});
  preset("singular", {1, 0}, {0, 0});
  ImGui::NewLine();
  float row1[2] = {static_cast<float>(lesson.metric_row1[0]), static_cast<float>(lesson.metric_row1[1])};
  float row2[2] = {static_cast<float>(lesson.metric_row2[0]), static_cast<float>(lesson.metric_row2[1])};
  ImGui::SetNextItemWidth(260.0f);
  if (ImGui::SliderFloat2("A row 1", row1, -3.0f, 3.0f, "%.2f")) lesson.metric_row1 = {row1[0], row1[1]};
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260.0f);
  if (ImGui::SliderFloat2("A row 2", row2, -3.0f, 3.0f, "%.2f")) lesson.metric_row2 = {row2[0], row2[1]};
}

void metric_view(UiContext& ctx, const MetricView& m) {
  LessonSettings& lesson = ctx.state.lesson;
  metric_controls(lesson);
  ImGui::TextDisabled(
      "grey: each point to the point it attends to most; yellow: the weights of the chosen point (click a point)");
  if (m.singular) {
    ImGui::TextColored(
        ImGui::ColorConvertU32ToFloat4(widgets::kChangedColour),
        "A is singular: a pseudo-metric. Points along the dashed line are at distance 0 from the chosen one.");
  }
  double x0, x1, y0, y1;
  lesson_view_bounds({&m.points}, x0, x1, y0, y1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::min(avail.x, avail.y);
  widgets::Plane plane("metric", ImVec2(side, side), x0, x1, y0, y1);
  const attn::Index n = m.points.rows();
  const int q = std::clamp(m.query, 0, static_cast<int>(n) - 1);
  for (attn::Index i = 0; i < n; ++i) {
    const attn::Index j = m.most_attended[static_cast<std::size_t>(i)];
    if (j < 0) continue;
    plane.arrow(m.points(i, 0), m.points(i, 1), m.points(j, 0), m.points(j, 1), IM_COL32(160, 160, 170, 150), 1.0f);
  }
  if (m.singular && m.null_direction.size() == 2) {
    const double reach = std::max(x1 - x0, y1 - y0);
    const ImVec2 a =
        plane.to_screen(m.points(q, 0) - reach * m.null_direction(0), m.points(q, 1) - reach * m.null_direction(1));
    const ImVec2 b =
        plane.to_screen(m.points(q, 0) + reach * m.null_direction(0), m.points(q, 1) + reach * m.null_direction(1));
    // Inside the plane only (the line reaches far beyond it).
    const ImVec2 c0 = plane.to_screen(x0, y1), c1 = plane.to_screen(x1, y0);
    plane.draw()->PushClipRect(ImVec2(std::min(c0.x, c1.x), std::min(c0.y, c1.y)),
                               ImVec2(std::max(c0.x, c1.x), std::max(c0.y, c1.y)), true);
    for (int k = 0; k < 40; k += 2) {  // dashed
      const float s = static_cast<float>(k) / 40.0f, e = static_cast<float>(k + 1) / 40.0f;
      plane.draw()->AddLine(ImVec2(a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s),
                            ImVec2(a.x + (b.x - a.x) * e, a.y + (b.y - a.y) * e), widgets::kChangedColour, 1.5f);
    }
    plane.draw()->PopClipRect();
  }
  const double largest = n > 0 ? m.weights.row(q).maxCoeff() : 1.0;
  for (attn::Index j = 0; j < n; ++j) {
    const double w = m.weights(q, j);
    const ImVec2 p = plane.to_screen(m.points(j, 0), m.points(j, 1));
    if (std::isfinite(w) && largest > 0.0 && j != q) {
      const float t = static_cast<float>(w / largest);
      plane.draw()->AddLine(plane.to_screen(m.points(q, 0), m.points(q, 1)), p,
                            IM_COL32(255, 210, 80, static_cast<int>(40 + 215 * t)), 1.0f + 3.0f * t);
      plane.draw()->AddCircle(p, 3.0f + 9.0f * t, IM_COL32(255, 210, 80, 255), 0, 1.5f);
    }
    plane.draw()->AddCircleFilled(p, j == q ? 6.0f : 3.5f,
                                  j == q ? IM_COL32(255, 210, 80, 255) : IM_COL32(235, 235, 240, 255));
  }
  if (plane.hovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    double x = 0, y = 0;
    plane.to_plane(ImGui::GetIO().MousePos, x, y);
    attn::Index nearest = 0;
    (m.points.rowwise() - attn::VecD((attn::VecD(2) << x, y).finished()).transpose())
        .rowwise()
        .squaredNorm()
        .minCoeff(&nearest);
    lesson.metric_query = static_cast<int>(nearest);
  }
}

void outputs_plane(const char* id, const char* title, const attn::MatD& points, const attn::MatD& outputs,
                   attn::Index ringed, float side, double x0, double x1, double y0, double y1, double change) {
  ImGui::BeginGroup();
  // Title and note wrap within the plane's width, in a header of the same height for every
  // plane (wider text would push the next plane off the window).
  const float top = ImGui::GetCursorPosY();
  widgets::WrappedText(title, 0, side);
  char note[64];
  if (change >= 0.0) {
    std::snprintf(note, sizeof note, "outputs move by up to %.2g", change);
  } else {
    std::snprintf(note, sizeof note, "arrows: x_i -> y_i");
  }
  widgets::WrappedText(note, ImGui::GetColorU32(ImGuiCol_TextDisabled), side);
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), top + ImGui::GetTextLineHeightWithSpacing() * 4.0f));
  widgets::Plane plane(id, ImVec2(side, side), x0, x1, y0, y1);
  for (attn::Index i = 0; i < points.rows(); ++i) {
    plane.arrow(points(i, 0), points(i, 1), outputs(i, 0), outputs(i, 1), widgets::kCleanColour, 1.5f);
    plane.draw()->AddCircleFilled(plane.to_screen(points(i, 0), points(i, 1)), 3.5f, IM_COL32(235, 235, 240, 255));
  }
  if (ringed >= 0) {
    plane.draw()->AddCircle(plane.to_screen(points(ringed, 0), points(ringed, 1)), 9.0f, widgets::kPerturbedColour, 0,
                            2.5f);
  }
  ImGui::EndGroup();
}

void duplication_view(UiContext& ctx, const DuplicationView& d) {
  const attn::Duplication& e = d.effect;
  double x0, x1, y0, y1;
  lesson_view_bounds({&d.points, &e.outputs, &e.outputs_one_doubled}, x0, x1, y0, y1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float side = std::min((avail.x - 2 * gap) / 3, avail.y - ImGui::GetTextLineHeightWithSpacing() * 6);
  const bool show = !ctx.hide_answers;
  outputs_plane("dup0", "the tokens", d.points, e.outputs, -1, side, x0, x1, y0, y1, -1.0);
  ImGui::SameLine();
  outputs_plane("dup1", "every token twice", d.points, show ? e.outputs_all_doubled : e.outputs, -1, side, x0, x1, y0,
                y1, show ? e.all_max_change : -1.0);
  ImGui::SameLine();
  outputs_plane("dup2", "the ringed token twice", d.points, show ? e.outputs_one_doubled : e.outputs, d.token, side, x0,
                x1, y0, y1, show ? e.one_max_change : -1.0);
  if (show) {
    ImGui::Text("mean weight on the ringed token: %.3f alone, %.3f for its two copies together", e.token_weight,
                e.token_weight_doubled);
  }
}

}  // namespace

void draw_theory_view(UiContext& ctx) {
  if (!ctx.evaluation) {
    lesson_view_waiting(ctx);
    return;
  }
  const TheoryView& t = ctx.evaluation->theory;
  const attn::Index points = t.mode == PropagationMode::Drift       ? t.drift.points.rows()
                             : t.mode == PropagationMode::Diffusion ? t.diffusion.points.rows()
                             : t.mode == PropagationMode::Metric    ? t.metric.points.rows()
                                                                    : t.duplication.points.rows();
  if (points == 0 || t.mode == PropagationMode::Steps) {
    lesson_view_waiting(ctx);
    return;
  }
  switch (t.mode) {
    case PropagationMode::Drift: drift_view(ctx, t.drift); break;
    case PropagationMode::Diffusion: diffusion_view(ctx, t.diffusion); break;
    case PropagationMode::Metric: metric_view(ctx, t.metric); break;
    case PropagationMode::Duplication: duplication_view(ctx, t.duplication); break;
    case PropagationMode::Steps: break;
  }
}

}  // namespace ax
