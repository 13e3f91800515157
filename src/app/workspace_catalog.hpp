// The catalogue of the app's workspaces and panels: one row each, pure data (no ImGui), so the
// frame (menus, tiles, tabs, status hints), the lessons (the names a lesson file uses) and the tests
// read the same list. The frame's table (frame/workspace_table.cpp) adds to each panel row what only
// the frame needs: the draw function, the window flags and the View flag.
//
// Adding a workspace: a Workspace value and its row here, its panels' rows here and in the frame's
// table, its layout (layout.hpp), its panel files, and its worker job (session/) — docs/architecture.md.
#pragma once
#include <array>
#include <string>
#include <vector>

namespace unrolled::app {

// The workspaces: stepping through one sequence (Step), training the forecaster (Train), cells trained
// side by side (Compare), the vanilla RNN's gradient lab (Lab), a character model learning to write
// (Text), and an encoder-decoder learning where to look (Seq2seq).
enum class Workspace { step, train, compare, lab, text, seq2seq };
inline constexpr int workspace_count = 6;

struct WorkspaceInfo {
  Workspace id;
  const char* name;  // as lessons and session files write it
  const char* tab;   // the menu bar's tab
  const char* menu;  // View menu entry
  const char* tip;   // the tab's tooltip
  const char* hint;  // the status line's key hints
};
extern const std::array<WorkspaceInfo, workspace_count> workspace_catalog;
const WorkspaceInfo& workspace_info(Workspace w);

// Every panel of every workspace, in the order the workspace lays them out. The lesson panel is in
// every workspace and always last.
enum class Panel {
  controls, unrolled, inspector, states, gates, traces,     // Step
  training, curves, forecast, decay,                         // Train
  compare_cells, compare_curves, compare_forecast, compare_decay, compare_table,  // Compare
  lab_settings, lab_decay, lab_clipping,                     // Gradient lab
  text_settings, text_curves, text_samples, text_reading, text_units, text_connectivity,  // Text
  seq2seq_settings, seq2seq_curves, seq2seq_attention, seq2seq_steps, seq2seq_beam, seq2seq_bottleneck,  // Seq2seq
  lesson
};
inline constexpr int panel_count = 31;

struct PanelInfo {
  Panel id;
  Workspace workspace;
  const char* name;        // the name a lesson file uses
  const char* view_label;  // the View menu's entry
  const char* tab;         // its tab in the presentation layout, after its number key: short
  bool lessons;            // lessons can show and highlight it (every workspace but Seq2seq, which no lesson uses yet)
};
extern const std::array<PanelInfo, panel_count> panel_catalog;
const PanelInfo& panel_info(Panel p);

const char* panel_name(Panel p);
// Only the panels lessons can name (PanelInfo::lessons, and the lesson panel).
bool parse_panel(const std::string& text, Panel& out);
// True for the lesson panel in every workspace.
bool panel_in_workspace(Panel p, Workspace w);
// The panels whose View flags a lesson sets (the lessons column, the lesson panel left out), in Panel order.
std::vector<Panel> lesson_view_panels();
// The names a lesson can use, comma separated (for error messages).
std::string lesson_panel_names();

}  // namespace unrolled::app
