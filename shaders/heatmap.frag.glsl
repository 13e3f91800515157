#version 330 core
// Heatmap: one texel per cell (R32F), value → [0, 1] over (u_min, u_max) → colormap entry.
// The colormap is a 256×1 RGBA texture computed on the CPU by plot_math (the same function the
// colour scales and tests use), so the shader and the legend never disagree. texelFetch, not
// texture(): no filtering work, which matters on a software rasterizer.
uniform sampler2D u_values;
uniform sampler2D u_colormap;
uniform float u_min;
uniform float u_max;
uniform vec4 u_empty;  // colour for NaN cells (not computed yet)
in vec2 v_uv;
out vec4 frag_color;

void main() {
  ivec2 size = textureSize(u_values, 0);
  ivec2 cell = clamp(ivec2(v_uv * vec2(size)), ivec2(0), size - 1);
  float v = texelFetch(u_values, cell, 0).r;
  if (isnan(v)) {
    frag_color = u_empty;
    return;
  }
  float t = clamp((v - u_min) / max(u_max - u_min, 1e-30), 0.0, 1.0);
  frag_color = vec4(texelFetch(u_colormap, ivec2(int(t * 255.0 + 0.5), 0), 0).rgb, 1.0);
}
