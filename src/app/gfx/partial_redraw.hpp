// Rasterises ImGui's draw data into the back buffer, repainting only what changed since the buffer
// was last shown (app/damage.hpp decides what), and shows it. With GLX_MESA_copy_sub_buffer (Mesa,
// its software renderer included) the back buffer is never swapped, so it keeps the last picture, and
// only the repainted rectangles are copied to the window; with GLX_EXT_buffer_age the buffers swap
// and what a buffer missed is repainted too. Without either (or with UNROLLED_FULL_REDRAW=1) every
// frame is drawn whole and swapped, as ImGui's backend does.
#pragma once
#include <imgui.h>

struct GLFWwindow;

namespace unrolled::app::gfx {

enum class Redraw {
  partial,       // what changed; large lists may wait their turn (app/damage.hpp)
  all_changed,   // what changed, nothing waits (a frame that becomes a PNG)
  full,          // everything
};
// clear: the background colour (rgb). Returns whether the whole window was drawn.
bool render_draw_data(ImDrawData* data, const float clear[3], Redraw how);

// Checks the partial repaints: draws this frame's changes (nothing waiting), reads the window back,
// draws the frame whole and reads it again. Returns how many pixels differ (0: what the partial
// repaints left on screen is the frame, within 2 levels of rounding). The window then holds the
// whole frame.
long long check_partial_redraw(ImDrawData* data, const float clear[3]);

// Whether partial repaints are possible at all (GLX_MESA_copy_sub_buffer or GLX_EXT_buffer_age;
// UNROLLED_FULL_REDRAW=1 turns them off).
bool partial_redraw_available();

// Shows the frame: copies the repainted rectangles to the window (copy_sub_buffer: the back buffer is
// never swapped, so it keeps the picture), else swaps buffers.
void present(GLFWwindow* window);
// The window's contents were lost (an expose event): the next present copies all of it.
void window_exposed();

}  // namespace unrolled::app::gfx
