// The window's furniture around the panels: fonts and style at the current scale, the ImGui .ini
// location, the main menu, keyboard shortcuts, dialogs, and placing each panel in its tile.
#pragma once
#include <string>

struct ImFont;

#include "app/layout.hpp"
#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// $XDG_CONFIG_HOME/unrolled/imgui.ini, else ~/.config/unrolled/imgui.ini (directory created);
// "" when neither can be used.
std::string ini_path();

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

// Main menu bar; returns its height.
float MainMenu(const Snapshot& snap, UiState& ui, CommandList& out);
void HandleKeys(const Snapshot& snap, UiState& ui, CommandList& out);
void Dialogs(const Snapshot& snap, UiState& ui, CommandList& out);
// Draws every visible panel in its tile.
void DrawPanels(const Snapshot& snap, UiState& ui, CommandList& out, const Layout& layout);
// The Train workspace: training panel, curves, forecast, gradient decay and the status line.
void DrawTrainPanels(const Snapshot& snap, UiState& ui, CommandList& out, const TrainLayout& layout);
// The Compare workspace: cells and shared settings, loss curves, forecasts, gradient decay, the table.
void DrawComparePanels(const Snapshot& snap, UiState& ui, CommandList& out, const CompareLayout& layout);
// The Gradient lab: its settings, the gradient through time against ρ^(T−t), the clipping comparison.
void DrawLabPanels(const Snapshot& snap, UiState& ui, CommandList& out, const LabLayout& layout);
// The current workspace's tiles in `area` (below the menu bar): lays them out and draws them.
void DrawWorkspace(const Snapshot& snap, UiState& ui, CommandList& out, Rect area);

}  // namespace unrolled::app
