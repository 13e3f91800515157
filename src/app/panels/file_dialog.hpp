// Files without a system dialog: an in-app file dialog (a path field, the folder's entries with
// folders first, Up, OK/Cancel) and time-stamped export names. Every failure is a message, never an
// exception: a folder that cannot be read shows why and stays open.
//
// The listing and naming half is pure (file_list.hpp); this draws the modal.
#pragma once
#include <string>

#include "app/panels/file_list.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// Opens the dialog for a purpose, starting in `start_dir` with `path` in the path field.
void OpenFileDialog(UiState& ui, FileDialogPurpose purpose, const std::string& start_dir, const std::string& path);
// Draws the dialog when open; on OK it sends the command (LoadModel, SaveModel) or updates the UI
// state (the CSV path, the export folder).
void FileDialog(UiState& ui, CommandList& out);

}  // namespace unrolled::app
