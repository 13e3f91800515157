// The UI's own state: what is shown, selected and being edited. Owned by main, passed to the panels
// (DESIGN §6: small structs owned by the app, no function-local statics). Everything the panels draw
// comes from the Snapshot; this only says how to look at it.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "app/panels/file_list.hpp"
#include "app/session/command.hpp"
#include "app/session/snapshot.hpp"

namespace unrolled::app {

// The workspaces: stepping through one sequence (Step), training the forecaster (Train), cells trained
// side by side (Compare), and the vanilla RNN's gradient lab (Lab).
enum class Workspace { step, train, compare, lab };
inline constexpr int workspace_count = 4;
// What the training curves use as their x axis.
enum class CurveAxis { step, epoch, time };

// The in-app file dialog (panels/file_dialog.hpp): what it is for, where it looks, what is typed.
enum class FileDialogPurpose { open_model, save_model, choose_csv, export_folder };
struct FileDialogState {
  bool request = false;          // open it next frame
  FileDialogPurpose purpose = FileDialogPurpose::open_model;
  std::string dir;               // the folder being listed
  std::string path_edit;         // the path field (a file, or a folder for export_folder)
  std::string listed_dir;        // the folder `entries` were read from (read once, not every frame)
  std::vector<FileEntry> entries;  // folders first, then files, each sorted by name
  std::string error;             // why the folder could not be read, or the path is not usable
};

struct UiState {
  Workspace workspace = Workspace::step;

  // The open lesson (panels/lesson): its id ("" = none) and the step shown (0-based). Kept true by the
  // lesson panel; the session file saves and restores them.
  std::string lesson_id;
  int lesson_step = 0;

  // View menu
  bool show_controls = true, show_unrolled = true, show_inspector = true;
  bool show_states = true, show_gates = true, show_traces = true;
  float scale = 1.0f;          // user scale (--scale and View > Scale)
  bool rebuild_fonts = false;  // scale changed: rebuild the font atlas between frames

  // Selection
  int layer = 0;               // which layer the inspector and heatmaps show
  int selected_t = -1;         // the cell clicked in the unrolled view; -1 follows the cursor
  int unit = 0;                // the unit whose numbers the inspector plugs into the equations
  std::array<bool, max_hidden> traced{};  // units drawn in the unit traces panel

  // Unrolled view
  float zoom = 1.0f;
  int last_scrolled_t = -1;    // the view scrolls to keep the current cell visible when it moves

  // Dialogs and requests
  bool open_model_popup = false, export_popup = false, show_keys = false, show_about = false;
  bool quit = false;
  std::string model_path_edit = "model.json";
  std::string screenshot_path_edit = "unrolled-screenshot.png";
  std::string csv_path_edit;
  std::string pending_screenshot;   // taken once the dialog has gone from the picture
  int screenshot_delay = 0;         // frames to wait before taking it
  std::string notice;               // UI-side status (e.g. "saved screenshot …")
  bool notice_is_error = false;

  // Controls: the settings being edited, re-synced when a new scene arrives
  SceneSettings edit;
  std::uint64_t edit_scene_id = 0;

  // Train workspace: which tiles are shown
  bool show_train_panel = true, show_curves = true, show_forecast = true, show_decay = true;
  // Training panel: a copy of the settings being edited; validated every change, sent on Apply.
  TrainSettings train_edit;
  bool train_edit_loaded = false;  // taken from the run's applied settings once
  TrainSettings train_seen;        // the run's applied settings last frame (a new run is adopted when
                                   // nothing is being edited)
  std::string train_edit_error;    // validate_train_settings(train_edit), refreshed when it changes
  TrainSettings train_validated;   // what train_edit_error was computed for
  bool train_validated_once = false;
  std::string train_csv_edit;      // the CSV path field (applied with the settings)
  // Training curves
  float smoothing = 0.6f;          // EMA weight of the smoothed train loss (0 = raw only)
  bool log_loss = true;            // log-y for the loss plot
  CurveAxis curve_axis = CurveAxis::step;
  // Forecast: 0 = the session's default (rollout from the validation split, over the validation part)
  int rollout_from = 0, horizon = 0;
  bool forecast_zoom = false;      // x axis from just before the validation part instead of the whole series
  // Gradient decay
  bool decay_earlier = true;       // show the kept earlier snapshots as faded lines

  // Files: exports (curves, forecast, screenshots) go to one folder with time-stamped names.
  std::string export_dir;          // set by main: the working directory, else $HOME
  FileDialogState file_dialog;
  std::uint64_t seen_message_id = 0;

  UiState() {
    for (int u = 0; u < 4; ++u) traced[u] = true;
  }
};

// Panels ask for changes by appending commands; main sends them to the session after the frame.
using CommandList = std::vector<Command>;

// The cell the inspector shows: the clicked one, or the cursor's (at least t = 1).
inline int inspected_t(const Snapshot& s, const UiState& ui) {
  const int T = s.scene->steps;
  int t = ui.selected_t >= 1 ? ui.selected_t : s.t;
  if (t < 1) t = 1;
  return t > T ? T : t;
}

}  // namespace unrolled::app
