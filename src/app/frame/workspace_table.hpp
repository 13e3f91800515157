// The frame's table of workspaces and panels: the catalogue's rows (workspace_catalog.hpp) with what
// only the frame needs — each panel's window title, draw function, window flags and View flag, and each
// workspace's layout, bottom bar and tab order. The View menu, the tiles and tabs, the lesson's panel
// flags and the status hints are all built from it, so adding a panel is one row here.
#pragma once
#include <imgui.h>

#include <array>
#include <cstddef>
#include <vector>

#include "app/layout.hpp"
#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"
#include "app/workspace_catalog.hpp"

namespace unrolled::app {

using PanelFn = void (*)(const Snapshot&, UiState&, CommandList&);

struct PanelRow {
  Panel id;
  const char* title;  // the tile's window title (and its tab's label)
  PanelFn draw;
  ImGuiWindowFlags flags;
  bool& (*shown)(UiState&);  // its View flag
  // A title that depends on the snapshot (it keeps its window id with ###): written into buf.
  const char* (*live_title)(const Snapshot&, char* buf, std::size_t size) = nullptr;
  // Its short tab label in the presentation layout when that depends on the snapshot (else the catalogue's).
  const char* (*live_tab)(const Snapshot&) = nullptr;
};
// Every panel but the lesson's (the frame draws that one beside any workspace), in Panel order.
extern const std::array<PanelRow, panel_count - 1> panel_table;
const PanelRow* panel_row(Panel p);  // null for the lesson panel
bool& panel_shown(UiState& ui, Panel p);

// One workspace's tiles this frame: each panel's rectangle (empty: hidden or tabbed), the tabbed tile
// and the panels shown in it, and the bottom bar.
struct WorkspaceTiles {
  std::array<Rect, panel_count> rect{};
  Rect tabs, bar;
  std::vector<Panel> tab_order;  // the tabbed tile's panels, first tab first (hidden ones are skipped)
  bool presentation = false;     // compact: one panel on stage, the rest tabs labelled with their number key
};

// A workspace's panels in their number-key order (1, 2, …: the catalogue's order), and the panel a
// number key names in it (Panel::lesson: none).
std::vector<Panel> workspace_panels(Workspace w);
Panel numbered_panel(Workspace w, int number);
int panel_number(Panel p);  // 1-based within its workspace

struct WorkspaceRow {
  Workspace id;
  const char* tabs_window;  // the tabbed tile's window name
  const char* tab_bar;      // its tab bar's id
  const char* bar_window;   // the bottom bar's window name
  bool transport;           // the bottom bar is the Step workspace's transport (else the status line)
  // Lays out the workspace's tiles and its bottom bar in `area`.
  WorkspaceTiles (*lay_out)(const Snapshot&, const UiState&, Rect area, float font_size);
};
extern const std::array<WorkspaceRow, workspace_count> workspace_table;
const WorkspaceRow& workspace_row(Workspace w);

}  // namespace unrolled::app
