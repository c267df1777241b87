#include "render/gl_heatmap_canvas.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "render/embedded_shaders.hpp"

namespace ax {

GlHeatmapCanvas::GlHeatmapCanvas()
    : program_("fullscreen.vert", embedded_shader("fullscreen.vert"), "heatmap.frag", embedded_shader("heatmap.frag")) {
  for (Colormap map : all_colormaps()) {
    gl::Texture lut;
    glBindTexture(GL_TEXTURE_2D, lut.id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, kColormapSize, 1, 0, GL_RGB, GL_UNSIGNED_BYTE, colormap_table(map));
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    colormaps_.emplace(map, std::move(lut));
  }
  glBindTexture(GL_TEXTURE_2D, 0);
}

ImTextureID GlHeatmapCanvas::request(const HeatmapDraw& draw) {
  Slot& slot = slots_[draw.slot];
  queued_.push_back(draw);
  if (draw.values.data && draw.values.version != slot.uploaded_version) slot.keep_alive = draw.values.owner;
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(slot.colour.id()));
}

void GlHeatmapCanvas::upload(Slot& slot, const HeatmapValues& values) {
  glBindTexture(GL_TEXTURE_2D, slot.values.id());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // Row-major floats: texel (x = key j, y = query i).
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, values.cols, values.rows, 0, GL_RED, GL_FLOAT, values.data);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  slot.uploaded_version = values.version;
  slot.keep_alive.reset();
}

void GlHeatmapCanvas::resize(Slot& slot, int width, int height) {
  if (slot.width == width && slot.height == height) return;
  glBindTexture(GL_TEXTURE_2D, slot.colour.id());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, slot.target.id());
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, slot.colour.id(), 0);
  slot.width = width;
  slot.height = height;
}

namespace {

// Everything a heatmap's framebuffer depends on, as numbers (versions exactly: below 2^24).
std::vector<float> draw_key(const HeatmapDraw& draw, int width, int height) {
  const HeatmapValues& v = draw.values;
  return {static_cast<float>(v.version & 0xFFFFFF),
          static_cast<float>(v.version >> 24),
          static_cast<float>(v.rows),
          static_cast<float>(v.cols),
          static_cast<float>(v.row_begin),
          static_cast<float>(v.col_begin),
          static_cast<float>(v.window_rows),
          static_cast<float>(v.window_cols),
          static_cast<float>(draw.matrix_rows),
          static_cast<float>(draw.matrix_cols),
          draw.range.lo,
          draw.range.hi,
          draw.range.log ? 1.0f : 0.0f,
          static_cast<float>(draw.range.map),
          draw.zoom,
          draw.pan[0],
          draw.pan[1],
          static_cast<float>(width),
          static_cast<float>(height)};
}

}  // namespace

void GlHeatmapCanvas::flush() {
  last_upload_ms_ = 0.0;
  if (queued_.empty()) return;
  GLint previous_viewport[4];
  glGetIntegerv(GL_VIEWPORT, previous_viewport);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glUseProgram(program_.id());
  glBindVertexArray(empty_vao_.id());
  glUniform1i(program_.uniform("u_values"), 0);
  glUniform1i(program_.uniform("u_colormap"), 1);
  for (const HeatmapDraw& draw : queued_) {
    Slot& slot = slots_[draw.slot];
    const HeatmapValues& values = draw.values;
    if (!values.data || values.rows < 1 || values.cols < 1) continue;
    if (values.version != slot.uploaded_version) {
      const auto start = std::chrono::steady_clock::now();
      upload(slot, values);
      last_upload_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
    const int width = std::clamp(draw.width_px, 1, 8192), height = std::clamp(draw.height_px, 1, 8192);
    // The framebuffer already shows this picture: software GL spends tens of milliseconds per
    // frame redrawing large heatmaps that did not change.
    std::vector<float> key = draw_key(draw, width, height);
    if (key == slot.drawn && slot.width == width && slot.height == height) continue;
    slot.drawn = std::move(key);
    resize(slot, width, height);
    glBindFramebuffer(GL_FRAMEBUFFER, slot.target.id());
    glViewport(0, 0, width, height);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, slot.values.id());
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, colormaps_.at(draw.range.map).id());
    const float extent = 1.0f / std::max(draw.zoom, 1.0f);
    glUniform2f(program_.uniform("u_view_origin"), draw.pan[0], draw.pan[1]);
    glUniform1f(program_.uniform("u_view_extent"), extent);
    glUniform1f(program_.uniform("u_lo"), draw.range.lo);
    glUniform1f(program_.uniform("u_hi"), draw.range.hi);
    glUniform1i(program_.uniform("u_log"), draw.range.log ? 1 : 0);
    const auto rows = static_cast<float>(draw.matrix_rows), cols = static_cast<float>(draw.matrix_cols);
    glUniform2f(program_.uniform("u_matrix_size"), cols, rows);
    glUniform4f(program_.uniform("u_window"), static_cast<float>(values.col_begin),
                static_cast<float>(values.row_begin), static_cast<float>(values.window_cols),
                static_cast<float>(values.window_rows));
    glUniform2f(program_.uniform("u_cell_pixels"), static_cast<float>(width) / (extent * cols),
                static_cast<float>(height) / (extent * rows));
    glDrawArrays(GL_TRIANGLES, 0, 3);
  }
  queued_.clear();
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(previous_viewport[0], previous_viewport[1], previous_viewport[2], previous_viewport[3]);
}

}  // namespace ax
