// The look: what every panel and the frame share to draw — the UI fonts at the current scale, the
// theme (normal and projector), the status colours, and the lesson's marks (look/marks.hpp). It sits
// below the panels: it includes neither panels nor the frame.
#pragma once
#include <imgui.h>

#include "app/ui_state.hpp"

namespace unrolled::app {

// Loads DejaVu Sans (and Mono) at base_px × scale, with the glyphs the equations need (Greek,
// sub/superscripts, arrows, math operators). Falls back to ImGui's built-in font with a note on
// stderr. Returns true when the TrueType font was used. Call before the first frame or between frames.
bool load_fonts(float scale);
// high_contrast: projector mode's theme (white on black, light hints, edged fields, thicker plot lines).
void apply_style(float scale, bool high_contrast);
// The background behind the tiles (their own backgrounds are transparent): RGB.
const float* clear_color(bool high_contrast);
// The monospace font for equations (the UI font when DejaVu Sans Mono is missing).
ImFont* mono_font();
// The font of the large readouts (loss, step, speed, the current t): the UI font, or in projector mode
// the UI font × readout_font_ratio, so the numbers a class is asked about read from the back row.
inline constexpr float readout_font_ratio = 1.5f;
ImFont* readout_font(const UiState& ui);

// The status colours: an error or a diverged run, a success message, a running run.
inline ImVec4 ErrorColor() { return ImVec4(1.0f, 0.45f, 0.4f, 1.0f); }
inline ImVec4 OkColor() { return ImVec4(0.6f, 0.85f, 0.6f, 1.0f); }
inline ImVec4 RunningColor() { return ImVec4(0.45f, 0.85f, 0.55f, 1.0f); }

}  // namespace unrolled::app
