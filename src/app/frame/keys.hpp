// The keys: one table (keys.cpp) feeds the key handling, the Keys window (F1) and the status lines'
// hints, so a key is written once. Each row is a line of the Keys window: the keys as written, what
// they do, the workspaces where they act, their bindings, and the hint each workspace's status line
// shows for them.
#pragma once
#include <string>

#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"
#include "app/workspace_catalog.hpp"

namespace unrolled::app {

// Acts on this frame's key presses (nothing while a field takes text or a dialog is open). PageDown /
// PageUp and the lesson panel's arrows are the lesson layer's (LessonKeys), asked first.
void HandleKeys(const Snapshot& snap, UiState& ui, CommandList& out);
// The Keys window's table: every row of the key table.
void KeysTable();
// The status line's hints for a workspace: its rows' hints joined by " · ".
std::string KeyHints(Workspace w);

}  // namespace unrolled::app
