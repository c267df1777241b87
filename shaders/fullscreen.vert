#version 330 core
// One triangle that covers the whole target; no vertex buffer (gl_VertexID only).
// v_uv is (0, 0) at the top-left of the target and (1, 1) at the bottom-right, matching how
// ImGui shows the framebuffer texture with flipped texture coordinates.
out vec2 v_uv;

void main() {
  vec2 clip = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2)) * 2.0 - 1.0;
  v_uv = vec2((clip.x + 1.0) * 0.5, (1.0 - clip.y) * 0.5);
  gl_Position = vec4(clip, 0.0, 1.0);
}
