// What a lesson has configured after a step: the app's defaults with every earlier step's preset and
// set action folded in, in order. Folding is the one place where preset keys meet the session's
// settings, so the parser (validation), the plan (commands) and the docs' key list agree.
//
// Scene keys (the explorer, SceneSettings; checked with clamp_settings — a value it would clamp is an
// error): cell, nonlinearity, hidden, layers, signal, seq, weight-scale, seed, loss.
// Training keys (TrainSettings; checked with validate_train_settings), named as unrolled-cli train's
// flags: cell, nonlinearity, hidden, layers, data, seq, loss, val-fraction, epochs, batch, seed,
// optimizer, lr, momentum, nesterov, beta1, beta2, weight-decay, clip, schedule, lr-step, lr-factor,
// lr-patience, min-lr, patience, tbptt, max-loss, shape, length, waves, freq, amp, phase, freq2, amp2,
// phase2, freq3, amp3, phase3, offset, trend, damping, noise, noise-seed, windows, val-windows,
// task-seed.
// "data" is "sine" (the generated signal) or a memory task "copy:T" / "adding:T" (TrainSettings::task;
// it sets seq = T and loss = last). Both tables are the session's (session/settings_io.hpp), without
// the keys that name files.
// "forecast-zoom" (true/false) sets the forecasts' "zoom to validation" from that step on.
// Compare keys: "cells", 2 or 3 of rnn, lstm, gru (all three unless named). The comparison runs while
// the lesson shows the Compare workspace: the training settings with only the cell changed.
// Lab keys (LabSettings; checked with validate_lab_settings): rho, activation (tanh, relu), hidden,
// steps, seed, clip, lr. A train action in the lab sets the clipping runs' length to its N.
// Sliders of the set action: weight-scale, hidden, layers, seq, seed (the explorer's), lr, clip (the
// training run's), speed, train-speed, and the UI's unit (the inspector's unit) and smoothing (the
// loss curve's EMA weight, 0…0.999).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/lessons/lesson.hpp"
#include "app/session/lab.hpp"
#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/memory_tasks.hpp"

namespace unrolled::app {

struct LessonState {
  LessonWorkspace workspace = LessonWorkspace::step;
  std::vector<Panel> panels;         // the panels listed so far, per workspace (lesson_shows)
  SceneSettings scene;
  TrainSettings training;             // a memory task is training.task ("data": "copy:T" / "adding:T")
  bool follow = false;
  double speed = 4.0;
  double train_speed = 0.0;
  std::optional<bool> forecast_zoom;  // the forecasts' zoom once a step named it (else the user's)
  std::vector<CellKind> compare_cells{CellKind::rnn, CellKind::lstm, CellKind::gru};  // Compare workspace
  LabSettings lab;                   // the Gradient lab
  bool lab_named = false;            // some step so far named the lab (its settings are then the lesson's)
  std::optional<int> unit;           // set by a `set unit` action (this step only)
  std::optional<double> smoothing;   // set by a `set smoothing` action (this step only)
};

// A reason a step cannot be folded, and the JSON path (below the step) it belongs to.
struct FoldError {
  std::string path;    // e.g. "preset.training.lr", "action.seek.t"
  std::string reason;
};

// Folds one step into `state`. Returns the first problem, if any (state is then partly changed).
std::optional<FoldError> fold_step(LessonState& state, const LessonStep& step);
// The state after steps 0…index (index −1: the defaults). The lesson must have parsed.
LessonState lesson_state(const Lesson& lesson, int index);

// T of the scene the stepping views show in that state: the training run's when following.
int stepping_steps(const LessonState& state);

// The keys a preset object accepts (for messages and docs).
const std::vector<std::string>& scene_keys();
const std::vector<std::string>& training_keys();
const std::vector<std::string>& slider_names();
const std::vector<std::string>& lab_keys();

bool same_scene(const SceneSettings& a, const SceneSettings& b);
bool same_training(const LessonState& a, const LessonState& b);

// What a train action at this state trains (lesson.hpp's TrainTarget): the workspace's runs.

// Whether a lesson with these listed panels shows `p`: listed, or no panel of p's workspace is listed
// (a workspace the lesson never listed panels for shows all of them). The lesson panel always shows.
bool lesson_shows(const std::vector<Panel>& listed, Panel p);
TrainTarget train_target(const LessonState& state);

}  // namespace unrolled::app
