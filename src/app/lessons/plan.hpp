// What arriving at a lesson step means for the app: the session Commands to send, in order, and what
// the UI should do (workspace, panels, highlights, sliders, the question). A pure function of the
// lesson, the step and the step the teacher comes from, so the walk-through is tested without a
// display and the app only has to send and show.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/lessons/lesson.hpp"
#include "app/lessons/preset.hpp"
#include "app/session/command.hpp"

namespace unrolled::app {

struct UiDirectives {
  LessonWorkspace workspace = LessonWorkspace::step;
  std::vector<Panel> panels;        // the panels listed so far: shown when lesson_shows(panels, p)
  std::vector<Panel> highlight;     // accent these on this step
  std::string slider;               // the slider a set action moved ("" none): flash it
  std::optional<int> unit;          // the inspector's unit (set unit)
  std::optional<double> smoothing;  // the loss curve's EMA weight (set smoothing)
  std::optional<bool> forecast_zoom;  // the forecasts' "zoom to validation" (once a step named it)
  std::vector<CellKind> compare_cells;  // the Compare workspace's cells (its chooser), when it shows
};

struct StepPlan {
  int index = 0;                    // the step (0-based)
  std::vector<Command> commands;    // send in this order
  UiDirectives ui;
  // A train action: the session pauses exactly at this step (cmd::Train::until_step; in the lab the
  // runs are this long); the app can tell when the goal is met with train_goal_reached.
  std::optional<std::int64_t> train_until;
  TrainTarget train_target = TrainTarget::run;  // what it trains
  // Never set any more: the training run holds memory tasks itself (TrainSettings::task). Kept only
  // until the lesson panel stops reading it.
  std::optional<MemoryTaskConfig> memory_task;
  LessonState state;                // the lesson's configuration at this step
};

// The plan for arriving at step `index` from step `from` (−1: the lesson is being opened, so
// everything is sent). Settings are sent only when they differ from `from`'s, so paging through a
// lesson keeps a training run that later steps only look at. Every plan pauses playback and
// training first (unless its action plays or trains), and sets whether the stepping views follow
// the training run. The lesson must have parsed (parse_lesson validates every step).
StepPlan plan_step(const Lesson& lesson, int index, int from);

// True once a train action's goal is met in `snapshot`: the command with sequence number
// `after_sequence` (the plan's last command) has been applied and the run has reached `until_step`
// or stopped on its own (finished, early stop, divergence). For the comparison: every run of it (no
// comparison: nothing to wait for); for the lab: both clipping runs have ended.
bool train_goal_reached(const Snapshot& snapshot, std::int64_t until_step, std::uint64_t after_sequence,
                        TrainTarget target = TrainTarget::run);
// The steps the target has taken (the comparison's: its slowest run; the lab's: its furthest, as the
// lab counts them) and its state as one (running while any run trains, once all have ended finished,
// or diverged when one did).
std::int64_t train_goal_steps(const Snapshot& snapshot, TrainTarget target);
TrainState train_goal_state(const Snapshot& snapshot, TrainTarget target);

// One line for the lesson panel: "Step 3 of 7".
std::string step_count_text(const Lesson& lesson, int index);

}  // namespace unrolled::app
