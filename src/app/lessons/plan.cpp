#include "app/lessons/plan.hpp"

#include <algorithm>

#include "app/session/training.hpp"

namespace unrolled::app {

StepPlan plan_step(const Lesson& lesson, int index, int from) {
  StepPlan plan;
  plan.index = index;
  plan.state = lesson_state(lesson, index);
  const LessonState& s = plan.state;
  const LessonStep& step = lesson.steps.at(static_cast<std::size_t>(index));
  const bool opening = from < 0;
  const LessonState before = opening ? LessonState{} : lesson_state(lesson, from);
  const TrainTarget target = train_target(s);
  const bool plays = std::holds_alternative<PlayAction>(step.action);
  const bool trains = std::holds_alternative<TrainAction>(step.action);
  const bool trains_lab = trains && target == TrainTarget::lab;
  const bool trained_lab = !opening && std::holds_alternative<TrainAction>(lesson.steps.at(static_cast<std::size_t>(from)).action) &&
                           train_target(before) == TrainTarget::lab;
  const bool comparing = s.workspace == Workspace::compare, compared = !opening && before.workspace == Workspace::compare;

  std::vector<Command>& c = plan.commands;
  // Leaving the Compare workspace ends the comparison first: the training commands below are then the
  // training run's again (while it is on, they act on the comparison's runs).
  if (!comparing && (opening || compared)) c.emplace_back(cmd::StopCompare{});
  // A step is a still picture unless its action moves it.
  if (!plays) c.emplace_back(cmd::Pause{});
  if (!trains || trains_lab) c.emplace_back(cmd::PauseTraining{});
  if (trained_lab && !trains_lab) c.emplace_back(cmd::LabPause{});
  if (opening || !same_scene(s.scene, before.scene)) c.emplace_back(cmd::Configure{s.scene});
  if (opening || !same_training(s, before)) c.emplace_back(cmd::ConfigureTraining{s.training, /*quiet=*/true});
  if (opening || s.speed != before.speed) c.emplace_back(cmd::SetSpeed{s.speed});
  if (opening || s.train_speed != before.train_speed) c.emplace_back(cmd::SetTrainSpeed{s.train_speed});
  // The lab is the lesson's once a step named it; until then it stays as the user left it.
  if (s.lab_named && (opening || !before.lab_named || !(s.lab == before.lab))) c.emplace_back(cmd::ConfigureLab{s.lab});
  if (comparing && (opening || !compared || s.compare_cells != before.compare_cells || !same_training(s, before)))
    c.emplace_back(cmd::StartCompare{s.compare_cells});
  // Training turns following on in the session; every other step says which scene it means.
  if (!trains || target != TrainTarget::run) c.emplace_back(cmd::Follow{s.follow});

  if (const auto* seek = std::get_if<SeekAction>(&step.action)) {
    c.emplace_back(cmd::Seek{position_of(seek->pass, seek->t, stepping_steps(s))});
  } else if (const auto* play = std::get_if<PlayAction>(&step.action)) {
    c.emplace_back(cmd::SetPass{play->pass});
    c.emplace_back(cmd::Play{});
  } else if (const auto* train = std::get_if<TrainAction>(&step.action)) {
    // The session pauses exactly at that step (the comparison's runs too); the lab's runs are that long.
    if (trains_lab) c.emplace_back(cmd::LabTrain{});
    else c.emplace_back(cmd::Train{train->until_step});
    plan.train_until = train->until_step;
    plan.train_target = target;
  } else if (std::holds_alternative<ResetAction>(step.action)) {
    if (target == TrainTarget::lab) c.emplace_back(cmd::LabReset{});
    else c.emplace_back(cmd::ResetTraining{});
  }

  UiDirectives& ui = plan.ui;
  ui.workspace = s.workspace;
  ui.panels = s.panels;
  ui.highlight = step.highlight;
  if (const auto* set = std::get_if<SetAction>(&step.action)) ui.slider = set->slider;
  ui.unit = s.unit;
  ui.smoothing = s.smoothing;
  ui.forecast_zoom = s.forecast_zoom;
  if (comparing) ui.compare_cells = s.compare_cells;
  return plan;
}

namespace {
bool ended(TrainState s) { return s == TrainState::finished || s == TrainState::early_stopped || s == TrainState::diverged; }
}  // namespace

std::int64_t train_goal_steps(const Snapshot& snapshot, TrainTarget target) {
  if (target == TrainTarget::lab) {
    if (!snapshot.lab) return 0;
    return std::max(snapshot.lab->clipped.step, snapshot.lab->unclipped.step);  // as the lab counts its steps
  }
  if (target == TrainTarget::compare) {
    const CompareView* cv = snapshot.train ? snapshot.train->compare.get() : nullptr;
    if (!cv || cv->runs.empty()) return 0;
    std::int64_t steps = cv->runs.front().step;
    for (const CompareRunView& r : cv->runs) steps = std::min(steps, r.step);
    return steps;
  }
  return snapshot.train_steps;
}

TrainState train_goal_state(const Snapshot& snapshot, TrainTarget target) {
  std::vector<TrainState> states;
  if (target == TrainTarget::lab && snapshot.lab) {
    states = {snapshot.lab->clipped.state, snapshot.lab->unclipped.state};
  } else if (target == TrainTarget::compare && snapshot.train && snapshot.train->compare) {
    for (const CompareRunView& r : snapshot.train->compare->runs) states.push_back(r.state);
  } else if (target == TrainTarget::run && snapshot.train) {
    return snapshot.train->state;
  }
  if (states.empty()) return TrainState::idle;
  if (std::any_of(states.begin(), states.end(), [](TrainState s) { return s == TrainState::running; })) return TrainState::running;
  if (std::all_of(states.begin(), states.end(), ended)) {
    const bool diverged = std::any_of(states.begin(), states.end(), [](TrainState s) { return s == TrainState::diverged; });
    return diverged ? TrainState::diverged : TrainState::finished;
  }
  return train_goal_steps(snapshot, target) > 0 ? TrainState::paused : TrainState::idle;
}

bool train_goal_reached(const Snapshot& snapshot, std::int64_t until_step, std::uint64_t after_sequence, TrainTarget target) {
  if (snapshot.applied < after_sequence) return false;
  if (target == TrainTarget::lab) {
    return !snapshot.lab || (ended(snapshot.lab->clipped.state) && ended(snapshot.lab->unclipped.state));
  }
  if (target == TrainTarget::compare) {
    const CompareView* cv = snapshot.train ? snapshot.train->compare.get() : nullptr;
    if (!cv) return true;  // no comparison (the session said why): nothing will train
    return std::all_of(cv->runs.begin(), cv->runs.end(), [&](const CompareRunView& r) { return r.step >= until_step || ended(r.state); });
  }
  if (snapshot.train_steps >= until_step) return true;
  const TrainState state = snapshot.train ? snapshot.train->state : TrainState::idle;
  return ended(state);
}

std::string step_count_text(const Lesson& lesson, int index) {
  return "Step " + std::to_string(index + 1) + " of " + std::to_string(lesson.steps.size());
}

}  // namespace unrolled::app
