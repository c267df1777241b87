// What the heatmap panel asks of the renderer, without knowing it: panels describe a heatmap
// and get back a texture to show; the GL renderer (render/) implements it, and the headless
// panel test uses NullHeatmapCanvas, so the panels compile and run with no GL at all.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "figures/heatmap_images.hpp"
#include "imgui.h"

namespace ax {

// The values a heatmap's texture holds: the cells of the whole matrix, or the pixels of a pooled
// window (pixel (r, c) summarises the block of the window's rows floor(r n / P) .. and keys alike).
struct HeatmapValues {
  std::shared_ptr<const void> owner;  // keeps `data` alive until the renderer has uploaded it
  const float* data = nullptr;        // rows x cols, row-major; NaN: undefined (hatched)
  int rows = 0, cols = 0;
  std::uint64_t version = 0;  // new number whenever `data` holds new values
  // The cells the values cover: [row_begin, row_begin + window_rows) x [col_begin, ...).
  attn::Index row_begin = 0, col_begin = 0, window_rows = 0, window_cols = 0;
};

// Every cell of a matrix image (one texel per cell).
inline HeatmapValues cell_values(const HeatmapImage& image) {
  HeatmapValues values;
  values.owner = image.values;
  values.data = image.values->data();
  values.rows = static_cast<int>(image.values->rows());
  values.cols = static_cast<int>(image.values->cols());
  values.version = image.version * 2;  // even: never the version of pooled pixels
  values.window_rows = image.values->rows();
  values.window_cols = image.values->cols();
  return values;
}

struct HeatmapDraw {
  int slot = 0;  // stable per grid cell: the renderer keeps its textures
  HeatmapValues values;
  attn::Index matrix_rows = 1, matrix_cols = 1;  // cells of the whole matrix
  ColourRange range;
  float zoom = 1.0f;                        // visible fraction of the matrix is 1 / zoom
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
