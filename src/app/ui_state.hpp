// The UI's own state: what is shown, selected and being edited. Owned by main, passed to the panels
// (DESIGN §6: small structs owned by the app, no function-local statics). Everything the panels draw
// comes from the Snapshot; this only says how to look at it.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "app/session/command.hpp"
#include "app/session/snapshot.hpp"

namespace unrolled::app {

struct UiState {
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
