// The frame: the window's furniture around the panels — the main menu, the keys (keys.hpp), the
// dialogs, and the tiles every workspace's panels are drawn in (from workspace_table.hpp). It draws
// the panels; the panels never include it. main calls these once per frame, in this order.
#pragma once
#include <string>

#include "app/layout.hpp"
#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// $XDG_CONFIG_HOME/unrolled/imgui.ini, else ~/.config/unrolled/imgui.ini (directory created);
// "" when neither can be used.
std::string ini_path();

// Main menu bar; returns its height.
float MainMenu(const Snapshot& snap, UiState& ui, CommandList& out);
// The current workspace's tiles in `area` (below the menu bar), the lesson's column beside them when a
// lesson is open, and the workspace's bottom bar.
void DrawWorkspace(const Snapshot& snap, UiState& ui, CommandList& out, Rect area);
void Dialogs(const Snapshot& snap, UiState& ui, CommandList& out);

}  // namespace unrolled::app
