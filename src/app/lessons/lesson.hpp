// A lesson: a title and a list of steps a teacher pages through (docs/lessons.md is the format's
// reference). Each step carries short text, an optional partial configuration (preset), the panels to
// show and highlight, an optional action and an optional question for the class.
//
// The file is JSON, {"format": "unrolled-lesson", "version": 1, "id", "title", "steps": [...]}. Every
// key is checked: an unknown key, a wrong type or a value the session would refuse is a
// io::FormatError "FILE: JSON.PATH: reason", so a typo in a lesson never passes silently.
// GL-free and ImGui-free: the app applies lessons, the tests walk through them without a display.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/workspace_catalog.hpp"

namespace unrolled::app {

inline constexpr int lesson_format_version = 1;
inline constexpr int max_lesson_steps = 64;
inline constexpr std::size_t max_lesson_text = 1500;   // bytes of a step's text: a projector screenful
inline constexpr std::int64_t max_lesson_train_steps = 10'000'000;
inline constexpr std::uintmax_t max_lesson_file_bytes = 1 << 20;

// The workspaces and panels a lesson names come from the app's catalogue (workspace_catalog.hpp):
// a lesson can show every workspace (Step, Train, Compare, Gradient lab) and the panels marked for
// lessons there.
using LessonWorkspace = Workspace;
const char* lesson_workspace_name(LessonWorkspace w);  // "step", "train", "compare", "lab"

// One key of a preset as written in the file: a JSON boolean, whole number, number or string.
using PresetValue = std::variant<bool, std::int64_t, double, std::string>;
struct PresetField {
  std::string key;
  PresetValue value;
};

// A partial configuration. What it leaves out stays as the lesson's earlier steps set it (every lesson
// starts from the app's defaults), so a step means the same whichever way the teacher arrives at it.
struct Preset {
  std::optional<LessonWorkspace> workspace;
  std::optional<bool> follow;        // stepping views show the training run's model (else the explorer)
  std::optional<double> speed;       // steps per second while playing
  std::optional<double> train_speed; // training steps per second; 0 = full speed
  std::optional<bool> forecast_zoom; // the forecasts' "zoom to validation" (Train and Compare)
  std::vector<PresetField> scene;    // explorer keys, in file order (see preset.hpp)
  std::vector<PresetField> training; // training-run keys, in file order
  std::optional<std::vector<CellKind>> compare;  // the Compare workspace's cells ("compare": {"cells"})
  std::vector<PresetField> lab;      // Gradient lab keys (see preset.hpp)
};

struct SeekAction {  // move the cursor to pass, t
  Pass pass = Pass::forward;
  int t = 0;
};
struct PlayAction {  // play that pass from its start
  Pass pass = Pass::forward;
};
// Train until the run has taken `until_step` steps, then pause. In the Compare workspace: every run of
// the comparison; in the Gradient lab: the clipped and the unclipped run, `until_step` steps long.
struct TrainAction {
  std::int64_t until_step = 0;
};
// What a train action trains: the training run, the comparison's runs (Compare workspace) or the
// lab's two clipping runs (Gradient lab).
enum class TrainTarget { run, compare, lab };
struct SetAction {    // move one slider (see preset.hpp for the names)
  std::string slider;
  double value = 0;
};
struct ResetAction {};  // the training run back to step 0 (the seed's initial weights)
using Action = std::variant<std::monostate, SeekAction, PlayAction, TrainAction, SetAction, ResetAction>;

struct Question {
  std::string text;
  std::string answer;  // revealed on request; may be empty
};

struct LessonStep {
  std::string title;                        // optional short heading
  std::string text;                         // plain Unicode math
  Preset preset;
  std::optional<std::vector<Panel>> panels; // the panels to show from here on (none: as before)
  std::vector<Panel> highlight;             // drawn with an accent on this step only
  Action action;
  std::optional<Question> question;
};

struct Lesson {
  std::string id;      // [a-z0-9-], the file name without .json
  std::string title;
  std::string source;  // the file it came from (for messages)
  std::vector<LessonStep> steps;
};

// Parses and validates a lesson (structure, every preset folded step by step through the session's
// own checks, actions against the configuration they act on). Throws io::FormatError
// "SOURCE: PATH: reason".
Lesson parse_lesson(std::string_view text, const std::string& source);
// Reads a file, parses it and checks that its id equals the file name without ".json".
// Throws io::IoError (unreadable) or io::FormatError.
Lesson load_lesson(const std::string& path);

}  // namespace unrolled::app
