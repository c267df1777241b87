// The OpenGL heatmap renderer: each heatmap is an R32F texture of its values (re-uploaded only
// when the values change) drawn through the colormap lookup texture into its own framebuffer,
// which ImGui then shows as an image. Range, colormap, zoom and pan are uniforms: changing them
// costs one redraw, never a recomputation or an upload.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "render/gl_objects.hpp"
#include "widgets/heatmap_canvas.hpp"

namespace ax {

class GlHeatmapCanvas final : public HeatmapCanvas {
 public:
  // Needs a current OpenGL 3.3 context; throws std::runtime_error when the shaders fail.
  GlHeatmapCanvas();
  ImTextureID request(const HeatmapDraw& draw) override;
  void flush() override;
  // Time the last flush() spent uploading values to textures (the rest drew the heatmaps).
  double last_upload_ms() const { return last_upload_ms_; }

 private:
  struct Slot {
    gl::Texture values;
    gl::Texture colour;
    gl::Framebuffer target;
    std::uint64_t uploaded_version = 0;
    int width = 0, height = 0;               // framebuffer size
    std::vector<float> drawn;                // what the framebuffer shows (draw_key): unchanged, it is not redrawn
    std::shared_ptr<const void> keep_alive;  // the values until the upload is done
  };
  void upload(Slot& slot, const HeatmapValues& values);
  void resize(Slot& slot, int width, int height);

  gl::Program program_;
  gl::VertexArray empty_vao_;
  std::map<Colormap, gl::Texture> colormaps_;
  std::map<int, Slot> slots_;
  std::vector<HeatmapDraw> queued_;
  double last_upload_ms_ = 0.0;
};

}  // namespace ax
