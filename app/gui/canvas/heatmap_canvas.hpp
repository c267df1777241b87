// What the heatmap panel asks of the renderer, without knowing it: panels describe a heatmap
// and get back a texture to show; the GL renderer (render/) implements it, and the headless
// panel test uses NullHeatmapCanvas, so the panels compile and run with no GL at all.
#pragma once

#include <array>

#include "imgui.h"
#include "model/heatmap_images.hpp"

namespace ax {

struct HeatmapDraw {
  int slot = 0;                        // stable per grid cell: the renderer keeps its textures
  const HeatmapImage* image = nullptr;
  ColourRange range;
  float zoom = 1.0f;                   // visible fraction of the matrix is 1 / zoom
  std::array<float, 2> pan = {0.0f, 0.0f};  // top-left of the visible window, matrix units [0, 1]
  int width_px = 1;
  int height_px = 1;
};

class HeatmapCanvas {
 public:
  virtual ~HeatmapCanvas() = default;
  // The texture that shows `draw` once flush() has run this frame.
  virtual ImTextureID request(const HeatmapDraw& draw) = 0;
  // Draws every heatmap requested this frame (after the panels, before ImGui renders).
  virtual void flush() = 0;
};

// Draws nothing: panels run unchanged with no GPU (the headless frame-loop test).
class NullHeatmapCanvas final : public HeatmapCanvas {
 public:
  ImTextureID request(const HeatmapDraw& draw) override {
    ++requests_;
    last_ = draw;
    return ImTextureID{};
  }
  void flush() override {}
  int requests() const { return requests_; }
  const HeatmapDraw& last() const { return last_; }

 private:
  int requests_ = 0;
  HeatmapDraw last_;
};

}  // namespace ax
