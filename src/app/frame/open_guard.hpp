// Opening a file into the Train workspace (a model with Ctrl+O, a series with File → Open series)
// starts a new run at step 0. While a run trains, that is never done silently: the run is paused
// (kept, at its step) and a dialog asks whether to open the file or keep the run.
#pragma once
#include <string>

#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// Sends `open` now, or, while the run trains, pauses it and asks first (`what`: the file's name).
void GuardedOpen(UiState& ui, CommandList& out, Command open, const std::string& what);
// A series (a CSV path or a real series' name) as the Train workspace's data: the edited settings
// with that file and the documented column rule, sent as a new run (guarded), and the workspace shown.
void OpenSeries(UiState& ui, CommandList& out, const std::string& csv_path);
// File → Open series: the real series of the data folder by name, and "CSV file…".
void OpenSeriesMenu(UiState& ui, CommandList& out);
// Each frame, before the file dialog: notes whether the run trains, and draws the question.
void OpenGuardDialog(const Snapshot& snap, UiState& ui, CommandList& out);

}  // namespace unrolled::app
