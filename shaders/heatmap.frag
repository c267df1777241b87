#version 330 core
// A matrix of values drawn through a colormap lookup table.
//   value -> t = (v - lo) / (hi - lo)            (linear)
//            t = log(max(v, lo) / lo) / log(hi / lo)  (log)
//   t -> table entry floor(t * 255 + 0.5)        (the same rule as colormap_colour() on the CPU)
// NaN marks a row whose weights are undefined: it is drawn as grey hatching, never as a colour of
// the data.
// The texture holds either every cell of the matrix or the pixels of a pooled window: texel
// (r, c) summarises the window's rows floor(r n / P) .. floor((r + 1) n / P) - 1 (and keys alike),
// the core overview's blocks, so each cell is looked up in the block that really holds it. Cells
// outside the window (a view that moved; its pixels are being computed) are drawn as outside.
in vec2 v_uv;
out vec4 frag_colour;

uniform sampler2D u_values;     // R32F, width = pixel columns, height = pixel rows, row 0 on top
uniform vec2 u_matrix_size;     // (#keys, #queries) of the whole matrix
uniform vec4 u_window;          // cells the texture covers: (first key, first query, #keys, #queries)
uniform sampler2D u_colormap;   // 256 x 1 RGB
uniform vec2 u_view_origin;     // top-left of the visible window, in matrix units [0, 1]
uniform float u_view_extent;    // visible fraction of the matrix (1 / zoom)
uniform float u_lo;
uniform float u_hi;
uniform int u_log;
uniform vec2 u_cell_pixels;     // on-screen size of one cell; borders are drawn when large

const vec3 kOutside = vec3(0.09, 0.09, 0.11);
const vec3 kHatchLight = vec3(128.0 / 255.0);  // the same greys as the PNG export
const vec3 kHatchDark = vec3(77.0 / 255.0);

void main() {
  vec2 data_uv = u_view_origin + v_uv * u_view_extent;
  if (any(lessThan(data_uv, vec2(0.0))) || any(greaterThanEqual(data_uv, vec2(1.0)))) {
    frag_colour = vec4(kOutside, 1.0);
    return;
  }
  ivec2 size = textureSize(u_values, 0);
  vec2 cell = floor(data_uv * u_matrix_size) - u_window.xy;  // within the window
  if (any(lessThan(cell, vec2(0.0))) || any(greaterThanEqual(cell, u_window.zw))) {
    frag_colour = vec4(kOutside, 1.0);
    return;
  }
  // The block holding the cell: the first whose end passes it, ceil((cell + 1) P / n) - 1.
  // In integers: floats would misplace cells next to a block edge at 10^5 cells.
  ivec2 n = ivec2(u_window.zw);
  ivec2 texel = clamp(((ivec2(cell) + 1) * size + n - 1) / n - 1, ivec2(0), size - 1);
  float v = texelFetch(u_values, texel, 0).r;
  if (isnan(v) || v != v) {
    float stripe = mod(gl_FragCoord.x + gl_FragCoord.y, 12.0);
    frag_colour = vec4(stripe < 6.0 ? kHatchLight : kHatchDark, 1.0);
    return;
  }
  float t;
  if (u_log == 1) {
    t = log(max(v, u_lo) / u_lo) / log(u_hi / u_lo);
  } else {
    t = (v - u_lo) / (u_hi - u_lo);
  }
  t = clamp(t, 0.0, 1.0);
  int index = int(floor(t * 255.0 + 0.5));
  vec3 colour = texelFetch(u_colormap, ivec2(index, 0), 0).rgb;
  if (min(u_cell_pixels.x, u_cell_pixels.y) >= 14.0) {
    // Thin borders between large cells so single entries can be told apart.
    vec2 within = fract(data_uv * u_matrix_size) * u_cell_pixels;
    if (within.x < 1.0 || within.y < 1.0) colour *= 0.75;
  }
  frag_colour = vec4(colour, 1.0);
}
