#version 330 core
// A screen-space quad from gl_VertexID (no vertex buffer): covers u_rect = (x0, y0, x1, y1) in
// ImGui's pixel coordinates, which start at u_display_pos.
uniform vec4 u_rect;
uniform vec2 u_display_pos;
uniform vec2 u_display_size;
out vec2 v_uv;  // (0,0) top-left … (1,1) bottom-right

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 pixel = mix(u_rect.xy, u_rect.zw, corner);
  vec2 ndc = (pixel - u_display_pos) / u_display_size * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
  v_uv = corner;
}
