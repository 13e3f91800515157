// Files without a system dialog: an in-app file dialog (a path field, the folder's entries with
// folders first, Up, OK/Cancel) and time-stamped export names. Every failure is a message, never an
// exception: a folder that cannot be read shows why and stays open.
//
// The listing and naming half is pure (file_list.hpp); this draws the modal.
#pragma once
#include <string>

#include "app/ui_state.hpp"

namespace unrolled::app {

// Draws the dialog when open; on OK it sends the command (LoadModel, SaveModel) or updates the UI
// state (the CSV path, the export folder).
void FileDialog(UiState& ui, CommandList& out);

}  // namespace unrolled::app
