// Session files (docs/formats.md, "Session file"): everything needed to come back to where one left
// off — the explorer's settings and cursor, the training run's settings, its weights (as a model file
// stores them), its optimizer, schedule and shuffling state so that training continues bit for bit,
// its step, epoch and decimated curves, the kept gradient-decay snapshots, and a few UI choices
// (workspace, scale, smoothing, the open lesson and its step).
//
//   {"format": "unrolled-session", "version": 1,
//    "ui": {…}, "explorer": {…}, "training": {…}, "run": {"model": {unrolled-model}, "trainer": {…}, …}}
//
// The worker thread writes it from its own state (cmd::SaveSession) and restores it
// (cmd::OpenSession): everything is parsed and checked first, and any error leaves the current
// session as it was. Errors are io::FormatError "FILE: JSON.PATH: reason" (io::IoError when the file
// cannot be read). Writes are atomic. GL-free and ImGui-free.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/model.hpp"
#include "core/trainer.hpp"

namespace unrolled::app {

inline constexpr const char* session_format_name = "unrolled-session";
inline constexpr int session_format_version = 1;
inline constexpr std::size_t max_session_file_bytes = std::size_t(512) << 20;  // 512 MiB

// The UI's choices a session keeps. The session passes them through (the UI sends them with
// cmd::SaveSession and adopts Snapshot::restored_ui after cmd::OpenSession); it never reads them.
struct SessionUi {
  std::string workspace = "step";   // step, train, compare, lab
  double scale = 1.0;               // View > Scale (0.5–4)
  double smoothing = 0.6;           // the loss curve's EMA weight (0–0.999)
  bool log_loss = true;             // log y axis for the loss
  std::string curve_axis = "step";  // step, epoch, time
  std::string lesson_id;            // the open lesson ("" none) and its step (0-based)
  int lesson_step = 0;
  bool operator==(const SessionUi&) const = default;
};

// The explorer (Step workspace): its settings and where the cursor is.
struct SessionExplorer {
  SceneSettings scene;
  int position = 0;     // 0…2T (snapshot.hpp)
  double speed = 4.0;   // steps per second while playing
};

// The training run as the worker holds it.
struct SessionRun {
  TrainState state = TrainState::idle;  // a running run is saved as paused
  std::string message;                  // why it stopped, if it did
  Model<float> model;                   // the current weights ("run.model", a model file)
  TrainerState trainer;                 // the rest of the trainer (its params are model.params)
  std::vector<StepPoint> steps;         // the decimated histories: stored points, the point being
  std::optional<StepPoint> steps_pending;  // gathered, and the stride
  int steps_stride = 1;
  std::vector<EpochPoint> epochs;
  std::optional<EpochPoint> epochs_pending;
  int epochs_stride = 1;
  DecayView decay;                      // the current curve and the kept ones
  std::int64_t next_decay_keep = 0;     // the next step whose decay curve is kept
  int window = 0;                       // the validation window the stepping views follow
  bool following = false;
  double max_steps_per_second = 0;      // 0 = full speed
  int rollout_from = 0, horizon = 0;    // 0 = the forecast's defaults
  double wall_seconds = 0;              // wall-clock time spent training
};

struct SessionFile {
  SessionUi ui;
  SessionExplorer explorer;
  TrainSettings training;
  SessionRun run;
};

// The file's text. Throws io::IoError when a weight is not finite (nothing to write then).
std::string session_to_json(const SessionFile& session);
// Parses and checks every field: types, ranges (clamp_settings and validate_train_settings must
// accept the settings as they are), the model's sizes against the training settings, every buffer's
// length, histories and decay curves. Throws io::FormatError "SOURCE: PATH: reason". What needs the
// data set (the trainer's window order, its step within an epoch) is checked by Trainer::restore.
SessionFile parse_session_json(std::string_view text, const std::string& source);
SessionFile load_session_file(const std::string& path);
// Atomic (io::write_file_atomic): a failed write leaves the old file. Throws io::IoError naming the path.
void save_session_file(const std::string& path, const SessionFile& session);

// Where the app keeps the last session: $XDG_STATE_HOME/unrolled/last-session.json, else
// ~/.local/state/unrolled/last-session.json; "" when neither variable is set.
std::string autosave_path();
// Moves a session file that could not be restored out of the way (FILE → FILE.bad, replacing an
// older one), so the next start does not trip over it again. Returns the new path, or "" on failure.
std::string set_aside_session_file(const std::string& path);

}  // namespace unrolled::app
