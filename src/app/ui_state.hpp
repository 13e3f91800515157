// The UI's own state: what is shown, selected and being edited. Owned by main, passed to the panels
// (DESIGN §6: small structs owned by the app, no function-local statics). Everything the panels draw
// comes from the Snapshot; this only says how to look at it.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/layout.hpp"
#include "app/lessons/library.hpp"
#include "app/lessons/lesson.hpp"
#include "app/file_list.hpp"
#include "app/session/command.hpp"
#include "app/session/snapshot.hpp"
#include "app/workspace_catalog.hpp"
#include "core/memory_tasks.hpp"
#include "core/text_analysis.hpp"

namespace unrolled::app {

// What the training curves use as their x axis.
enum class CurveAxis { step, epoch, time };

// The in-app file dialog (panels/file_dialog.hpp): what it is for, where it looks, what is typed.
enum class FileDialogPurpose { open_model, save_model, choose_csv, export_folder, open_session, save_session, open_text,
                                open_series };  // open_series: File → Open series (a new run on it)
struct FileDialogState {
  bool request = false;          // open it next frame
  FileDialogPurpose purpose = FileDialogPurpose::open_model;
  std::string dir;               // the folder being listed
  std::string path_edit;         // the path field (a file, or a folder for export_folder)
  std::string listed_dir;        // the folder `entries` were read from (read once, not every frame)
  std::vector<FileEntry> entries;  // folders first, then files, each sorted by name
  std::string error;             // why the folder could not be read, or the path is not usable
  bool all_files = false;        // list every file, not only the dialog's kind
};

// The open lesson's UI (lesson_ui.hpp): the parsed lesson, the step whose plan was last sent, a train
// action's goal, what this step accents, the user's own panel choice (given back when the lesson
// closes), the File menu's list of lessons, and the --lesson-shots walk.
struct LessonUi {
  Lesson lesson;                         // the open lesson (its id is UiState::lesson_id), or none
  int applied_step = -1;                 // the step whose plan was sent (-1: none since opening)
  std::uint64_t seen_restore_id = 0;     // Snapshot::restore_id last seen (a session file restored)
  std::uint64_t sent_sequence = 0;       // sequence number of that plan's last command (0: not sent yet)
  std::optional<std::int64_t> train_until;  // the step's train action, until its goal is reached
  TrainTarget train_target = TrainTarget::run;  // ... and what it trains (the run, the comparison, the lab)
  bool goal_reached = false;
  std::optional<MemoryTaskConfig> memory_task;  // the step asks for a task the run cannot hold
  std::vector<Panel> highlight;          // this step's accented tiles
  std::vector<std::pair<Panel, Rect>> accented;  // where they were drawn this frame
  Rect panel_rect;                       // the lesson panel's tile this frame
  int select_frames = 0;                 // tabbed tiles: bring the accented one forward (while > 0)
  std::string flash_slider;              // the slider a set action moved, flashed for a moment
  double flash_start = 0;
  bool show_answer = false;
  bool body_overflow = false;            // the step's text and question did not fit without scrolling
  bool body_more = false;                // ... and there is more below what is shown (PageDown scrolls first)
  bool scroll_top = false, scroll_page = false, scroll_to_answer = false;  // requests to the panel's body
  bool focused = false;                  // the lesson panel had keyboard focus last frame (arrow keys)
  bool user_panels_saved = false;        // the user's View choice before the lesson, restored on close
  std::array<bool, panel_count - 1> user_panels{};
  LessonIndex menu;                      // File > Open lesson: the lessons folder, read on opening
  bool menu_read = false;
  // --lesson-shots DIR: one PNG per step once it is applied (and trained), then exit.
  std::string shots_dir;
  int settle_frames = 0;                 // frames drawn since the step was ready
  double step_started = 0;               // ImGui time the step was sent (the walk gives up after a while)
  std::vector<std::string> walk_records; // one JSON object per step shot
  bool walk_done = false;
  std::string walk_error;
};

// Each workspace's own state in a small struct with its own reset (Tracy's m_compare shape); what every
// workspace shares (the lesson, scale, notices, files) stays at the top.

// The Step workspace: which tiles are shown, the selection, the unrolled view's zoom, the Controls'
// settings being edited.
struct StepUi {
  bool show_controls = true, show_unrolled = true, show_inspector = true;
  bool show_states = true, show_gates = true, show_traces = true;
  int layer = 0;               // which layer the inspector and heatmaps show
  int direction = 0;           // bidirectional: 0 the → chain, 1 the ← chain (selected_t is then its own step r)
  int selected_t = -1;         // the cell clicked in the unrolled view; -1 follows the cursor
  int unit = 0;                // the unit whose numbers the inspector plugs into the equations
  std::array<bool, max_hidden> traced{true, true, true, true};  // units drawn in the unit traces panel
  float zoom = 1.0f;
  int last_scrolled_t = -1;    // the view scrolls to keep the current cell visible when it moves
  SceneSettings edit;          // the Controls' settings being edited, re-synced when a new scene arrives
  std::uint64_t edit_scene_id = 0;
  std::string text_edit;       // a token model's text being typed (Controls), re-synced with each new scene
  std::uint64_t text_edit_scene_id = 0;
  void Reset() { *this = StepUi{}; }
};

// The Train workspace: which tiles are shown, the settings being edited, how the plots look.
struct TrainUi {
  bool show_panel = true, show_curves = true, show_forecast = true, show_decay = true;
  // Training panel: a copy of the settings being edited; validated every change, sent on Apply.
  TrainSettings edit;
  bool edit_loaded = false;        // taken from the run's applied settings once
  TrainSettings seen;              // the run's applied settings last frame (a new run is adopted when
                                   // nothing is being edited)
  std::string edit_error;          // validate_train_settings(edit), refreshed when it changes
  TrainSettings validated;         // what edit_error was computed for
  bool validated_once = false;
  std::string csv_edit;            // the CSV path field, or a real series' name (applied with the settings)
  std::string columns_of;          // the series file `columns` was read from
  CsvColumnChoice columns;         // its columns, for the column chooser (read when csv_edit changes)
  // Training curves (the Compare workspace's curves share these)
  float smoothing = 0.6f;          // EMA weight of the smoothed train loss (0 = raw only)
  bool log_loss = true;            // log-y for the loss plot
  CurveAxis curve_axis = CurveAxis::step;
  // Forecast: 0 = the session's default (rollout from the validation split, over the validation part)
  int rollout_from = 0, horizon = 0;
  bool forecast_zoom = false;      // x axis from just before the validation part instead of the whole series
  bool decay_earlier = true;       // gradient decay: show the kept earlier snapshots as faded lines
  void Reset() { *this = TrainUi{}; }
};

// The Compare workspace (panels/compare.cpp): which tiles are shown, the cells chosen (indexed by
// CellKind: rnn, lstm, gru) and how its plots look. The curves share the Train workspace's x axis,
// log y and smoothing, and the forecast its rollout range.
struct CompareUi {
  bool show_panel = true, show_curves = true, show_forecast = true, show_decay = true, show_table = true;
  std::array<bool, 3> pick{true, true, true};
  bool popup = false;              // View → Compare cells… opens the chooser next frame
  int forecast_lines = 0;          // 0 rollout, 1 one-step, 2 both
  bool forecast_zoom = true;       // the validation part, where the rollouts differ
  int decay_layer = 0;             // the layer whose ‖dL/dhₜ‖ is drawn (0-based)
  bool decay_initial = true;       // each cell's curve at step 0 as a faded line
  void Reset() { *this = CompareUi{}; }
};

// The Gradient lab (panels/gradient_lab.cpp): which tiles are shown, and the settings being edited (each
// change is validated at once and sent; taken from the lab when it is rebuilt with other settings).
struct LabUi {
  bool show_panel = true, show_decay = true;
  bool clipping = true;            // the clipping comparison (its tile, Train both) is on
  LabSettings edit;
  std::uint64_t seen_version = 0;  // the lab's version `edit` was last synced with
  std::string edit_error;          // validate_lab_settings(edit), shown under the settings
  bool log_loss = true;            // log-y for the clipping runs' loss
  void Reset() { *this = LabUi{}; }
};

// The Text workspace (panels/text.cpp): which tiles are shown, the settings and the sampling being
// edited (taken from the run when it is rebuilt), and what the reading view colours by.
struct TextUi {
  bool show_panel = true, show_curves = true, show_samples = true, show_reading = true, show_units = true;
  bool show_connectivity = true;   // the third row (View menu, lessons)
  int conn_position = -1;          // the connectivity position asked for (-1: the run's default)
  int conn_sent = -1;              // the last one sent to the worker
  TextSettings edit;
  std::string edit_error;          // validate_text_settings(edit), shown under the settings
  TextSampling sampling;
  std::string sampling_error;
  std::uint64_t seen_version = 0;  // the run's version `edit` was last synced with
  bool synced = false;             // edit taken from a built run at least once
  int layer = 0;                   // the reading view's layer (0-based)
  int unit = 0;                    // and unit
  bool cell_state = false;         // colour by c (LSTM) instead of h
  bool guesses = true;             // the five best guesses under each character
  bool fixed_scale = false;        // colours over −1…1 (else stretched to the unit's own range)
  bool follow_samples = true;      // the ladder scrolls to the newest sample
  std::size_t samples_seen = 0;    // how many samples the ladder showed last frame
  // Find the units: what the span is (0 inside quotes, 1 bracket depth ≥ depth, 2 letters, 3 the
  // characters dragged over in the reading view), and the ranking of the last question asked.
  int span_kind = 0;
  int depth = 1;
  bool letters_only = true;        // compare letters with letters only (quotes, depth)
  int drag_from = -1, drag_to = -1;  // the dragged span (positions), -1: none
  bool dragging = false;
  std::string ranked_key;          // which reading, layer, state and span `ranked` answers
  std::vector<UnitScore> ranked;
  std::string rank_error;
  void Reset() { *this = TextUi{}; }
};

// The Seq2seq workspace (panels/seq2seq.cpp): which tiles are shown, the settings being edited (taken
// from the run when it is rebuilt), the example and beam width asked for, and the decoding step shown.
struct Seq2seqUi {
  bool show_panel = true, show_curves = true, show_attention = true, show_steps = true, show_beam = true,
       show_bottleneck = true;
  Seq2seqSettings edit;
  std::string edit_error;          // validate_seq2seq_settings(edit)
  std::uint64_t seen_version = 0;  // the run's version `edit` was last synced with
  Seq2seqInspect inspect;          // what the example views should show (sent when it changes)
  Seq2seqInspect inspect_sent;     // the last one sent (not sent again while the worker catches up)
  std::uint64_t inspect_version = 0;  // the run's version it was sent for
  int step = 0;                    // the decoding step shown (0-based, clamped to the example's steps)
  void Reset() { *this = Seq2seqUi{}; }
};

// Dialogs and requests the frame answers.
struct DialogsUi {
  bool open_model_popup = false, export_popup = false, show_keys = false, show_about = false;
  std::string model_path_edit = "model.json";
  std::string screenshot_path_edit = "unrolled-screenshot.png";
  std::string csv_path_edit;
  std::string pending_screenshot;  // taken once the dialog has gone from the picture
  int screenshot_delay = 0;        // frames to wait before taking it
  // Opening a file while the run trains (frame/open_guard.hpp): the run pauses and this asks first.
  bool training_running = false;   // the run trained in the last snapshot
  bool ask_open = false;           // open the question next frame
  std::optional<Command> pending_open;  // what "Open it" sends
  std::string pending_what;        // the file's name, for the question
  void Reset() { *this = DialogsUi{}; }
};

struct UiState {
  Workspace workspace = Workspace::step;
  StepUi step;
  TrainUi train;
  CompareUi compare;
  LabUi lab;
  TextUi text;
  Seq2seqUi seq2seq;
  DialogsUi dialogs;

  // The open lesson (panels/lesson): its id ("" = none) and the step shown (0-based). Kept true by the
  // lesson panel; the session file saves and restores them.
  std::string lesson_id;
  int lesson_step = 0;
  LessonUi lesson;

  // View
  float scale = 1.0f;          // user scale (--scale and View > Scale)
  bool projector = false;      // projector mode (--projector, F11): high-contrast theme, large readouts, scale ≥ 2
  float scale_before_projector = 1.0f;  // restored when projector mode is turned off
  bool rebuild_fonts = false;  // scale changed: rebuild the font atlas between frames

  // Presentation layout (compact): the panel a number key brought forward, for a few frames (the tab
  // bar selects it; Panel::lesson: none).
  Panel bring_forward = Panel::lesson;
  int bring_frames = 0;

  bool quit = false;
  std::string notice;          // UI-side status (e.g. "saved screenshot …")
  bool notice_is_error = false;
  std::uint64_t seen_message_id = 0;

  // Files: exports (curves, forecast, screenshots) go to one folder with time-stamped names.
  std::string export_dir;      // set by main: the working directory, else $HOME
  FileDialogState file_dialog;
};

// Panels ask for changes by appending commands; main sends them to the session after the frame.
using CommandList = std::vector<Command>;

// Projector mode on or off: on raises the scale to at least 2 (and remembers the user's), off restores
// it; both rebuild the fonts and the theme before the next frame.
inline void set_projector(UiState& ui, bool on) {
  if (on == ui.projector) return;
  ui.projector = on;
  if (on) {
    ui.scale_before_projector = ui.scale;
    if (ui.scale < 2.0f) ui.scale = 2.0f;
  } else {
    ui.scale = ui.scale_before_projector;
  }
  ui.rebuild_fonts = true;
}

// Asks for the file dialog (drawn by the frame) for a purpose, starting in `start_dir` with `path` in
// the path field.
inline void OpenFileDialog(UiState& ui, FileDialogPurpose purpose, const std::string& start_dir, const std::string& path) {
  FileDialogState& d = ui.file_dialog;
  d.request = true;
  d.purpose = purpose;
  d.dir = start_dir.empty() ? "." : start_dir;
  d.path_edit = path;
  d.listed_dir.clear();  // read the folder again: it may have changed since last time
  d.error.clear();
  d.all_files = false;
}

// The cell the inspector shows: the clicked one, or the cursor's (at least t = 1).
inline int inspected_t(const Snapshot& s, const UiState& ui) {
  const int T = s.scene->steps;
  int t = ui.step.selected_t >= 1 ? ui.step.selected_t : s.t;
  if (t < 1) t = 1;
  return t > T ? T : t;
}

}  // namespace unrolled::app
