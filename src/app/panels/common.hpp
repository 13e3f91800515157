// Small drawing helpers and texts shared by the panels: colours for states and gradients, the
// one-sentence explanations behind every gate and state, and "not computed yet" masking.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

#include "app/session/snapshot.hpp"

namespace unrolled::app {

namespace colors {
inline constexpr ImU32 forward = IM_COL32(90, 180, 255, 255);   // h flowing forward
inline constexpr ImU32 highway = IM_COL32(240, 190, 70, 255);   // the LSTM cell state c
inline constexpr ImU32 gradient = IM_COL32(255, 105, 80, 255);  // dL/dh flowing backward
inline constexpr ImU32 current = IM_COL32(255, 255, 255, 255);  // the current cell
inline constexpr ImU32 selected = IM_COL32(120, 230, 140, 255); // the inspected cell / unit
inline constexpr ImU32 dim = IM_COL32(120, 125, 140, 110);      // not computed yet
inline constexpr ImU32 cursor_line = IM_COL32(255, 255, 255, 200);
// The gradient lab (Okabe–Ito): the measured ‖dL/dhₜ‖ in the vanilla RNN's orange, its guide ρ^(T−t)
// a lighter grey; the clipped run blue, the unclipped one vermillion.
inline constexpr ImU32 lab_decay = IM_COL32(230, 159, 0, 255);  // #E69F00
inline constexpr ImU32 lab_guide = IM_COL32(172, 172, 178, 255);
inline constexpr ImU32 clipped = IM_COL32(0, 114, 178, 255);    // #0072B2
inline constexpr ImU32 unclipped = IM_COL32(213, 94, 0, 255);   // #D55E00
// One fixed colour per cell wherever cells are drawn side by side (Compare workspace, projector):
// Okabe–Ito's colour-blind-safe orange, sky blue and bluish green; the true series in neutral grey.
inline constexpr ImU32 rnn = IM_COL32(230, 159, 0, 255);    // #E69F00
inline constexpr ImU32 lstm = IM_COL32(86, 180, 233, 255);  // #56B4E9
inline constexpr ImU32 gru = IM_COL32(0, 158, 115, 255);    // #009E73
inline constexpr ImU32 truth = IM_COL32(200, 200, 205, 255);
inline constexpr ImU32 cell(CellKind c) { return c == CellKind::rnn ? rnn : c == CellKind::lstm ? lstm : gru; }
}  // namespace colors

// Blends two colours, t in [0, 1].
ImU32 LerpColor(ImU32 a, ImU32 b, float t);
// Colour of a value on the app's maps: viridis over [lo, hi], or diverging around 0 over ±absmax.
ImU32 ViridisColor(float v, float lo, float hi);
ImU32 DivergingColor(float v, float absmax);
// Black or white, whichever reads on top of `background`.
ImU32 TextOn(ImU32 background);

// One sentence on what a gate or state does. name: "i", "f", "g", "o", "r", "z", "n", "h", "c", "x",
// "y", "dh", "dc".
const char* Explain(CellKind cell, const std::string& name);
// Shows Explain() as a tooltip when the last item is hovered.
void ExplainTooltip(CellKind cell, const std::string& name);

// True when the gate is a tanh (−1…1) rather than a σ (0…1).
bool IsTanhGate(CellKind cell, int gate);

// Width of a heatmap's colour scale column from min to max (its bar and widest label).
float ScaleColumnWidth(double min, double max);

// Text centred at a point.
void CenteredText(ImDrawList* dl, ImVec2 center, ImU32 color, const char* text);

}  // namespace unrolled::app

namespace unrolled::app {
// Width left on the current line after the last item (GetContentRegionAvail() after an item already
// measures from the start of the next line).
float RemainingOnLine();
// A label in the left column (label_w wide), the next widget filling the rest of the row.
void FieldLabel(const char* text, float label_w);
// A titled separator (ImGui 1.86 has no SeparatorText).
void SectionHeader(const char* title);
// `text` in `color` on the current line, cut to `width` with a "…" (whole UTF-8 characters) when it
// is wider; hovering a cut text shows all of it. Returns the width drawn (0 for an empty text).
float TextFitted(const ImVec4& color, const std::string& text, float width);
}  // namespace unrolled::app
