// Lessons in the app (docs/lessons.md): opening and closing one, applying each step — its plan's
// session commands, then the workspace, the panels shown, the accented tiles, the inspector's unit,
// the curves' smoothing and a slider's flash — the keys that page through, File > Open lesson, and
// the --lesson-shots walk that saves one screenshot per step. The state is UiState::lesson
// (LessonUi); the panel itself is panels/lesson.cpp. The pure half (parsing, plans) is app/lessons.
#pragma once
#include <nlohmann/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "app/app_args.hpp"
#include "app/layout.hpp"
#include "app/lessons/lesson.hpp"
#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// --list-lessons: prints the lessons folder's "ID  title" lines to stdout. Returns the exit code: 0, or
// 1 with the file and the reason on stderr for every lesson file that does not load (or no folder).
int PrintLessonList();
// --lesson ID|FILE (with --lesson-step K, --lesson-shots DIR): loads the lesson into `out` and makes
// the shots folder. Returns the exit code: 0; 1 when the lesson does not load (the message names it
// and lists the lessons there are) or the folder cannot be made; 2 when K is past the lesson's end.
int LoadLessonForFlags(const AppArgs& args, Lesson& out);

// Opens `lesson` at `step` (0-based, clamped). The user's own panel choice is kept and given back
// when the lesson closes. The step is applied by the next UpdateLesson.
void OpenLessonUi(UiState& ui, Lesson lesson, int step);
void CloseLessonUi(UiState& ui);

// Once per frame, before the panels draw: opens the lesson ui.lesson_id names when it is not the one
// loaded (a restored session), applies ui.lesson_step when it changed (its plan's commands go to
// `out`, in order), and pauses training once a train action's goal is reached.
void UpdateLesson(const Snapshot& snap, UiState& ui, CommandList& out);
// main reports the sequence number of the last command it sent this frame (a train goal counts from
// the commands of the step's plan being applied).
void LessonCommandsSent(UiState& ui, std::uint64_t sequence);

// PageDown / PageUp (a presenter's clicker) anywhere; → / ← when the lesson panel has keyboard
// focus. Returns true when the arrow keys are the lesson's this frame (the shell's keys then leave
// them alone).
bool LessonKeys(UiState& ui);

// File > Open lesson (the lessons folder, read each time the submenu opens) and Close lesson.
void LessonFileMenu(UiState& ui);

// --lesson-shots: the file to save this frame as once the step has been applied (and trained) and
// drawn for a few frames, else "". main saves the frame and reports with LessonShotTaken (error ""
// when saved, and the frame's clipped text, gfx/text_clip.hpp): the walk then pages on, or after the last
// step writes walk.json and is done.
std::string LessonShotDue(const Snapshot& snap, UiState& ui);
void LessonShotTaken(const Snapshot& snap, UiState& ui, const std::string& error, const nlohmann::json& clipped_text);
// While the walk waits for a train action's goal, nobody watches the frames: drawing 10 a second
// instead of 60 leaves the worker the CPU. Zero otherwise.
std::chrono::milliseconds LessonWalkFrameTime(const UiState& ui);

}  // namespace unrolled::app
