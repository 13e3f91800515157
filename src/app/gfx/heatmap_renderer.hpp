// Draws the plotting layer's heatmaps with OpenGL: each heatmap's values go into an R32F texture
// (one texel per cell), and a draw callback inside ImGui's draw list runs shaders/heatmap.*.glsl to
// colour them through a colormap texture. Call init() once the GL context exists, begin_frame() every
// frame, shutdown() before the context goes.
#pragma once
#include "app/plot/plot.hpp"

namespace unrolled::app::gfx {

bool heatmap_init();  // false (with a message on stderr) if the shaders do not compile: CPU fallback
void heatmap_begin_frame();
void heatmap_shutdown();

}  // namespace unrolled::app::gfx
