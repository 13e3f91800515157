#include "app/lessons/plan.hpp"

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
  const bool plays = std::holds_alternative<PlayAction>(step.action);
  const bool trains = std::holds_alternative<TrainAction>(step.action);

  std::vector<Command>& c = plan.commands;
  // A step is a still picture unless its action moves it.
  if (!plays) c.emplace_back(cmd::Pause{});
  if (!trains) c.emplace_back(cmd::PauseTraining{});
  if (opening || !same_scene(s.scene, before.scene)) c.emplace_back(cmd::Configure{s.scene});
  if (opening || !same_training(s, before)) c.emplace_back(cmd::ConfigureTraining{s.training, /*quiet=*/true});
  if (opening || s.speed != before.speed) c.emplace_back(cmd::SetSpeed{s.speed});
  if (opening || s.train_speed != before.train_speed) c.emplace_back(cmd::SetTrainSpeed{s.train_speed});
  // Training turns following on in the session; every other step says which scene it means.
  if (!trains) c.emplace_back(cmd::Follow{s.follow});

  if (const auto* seek = std::get_if<SeekAction>(&step.action)) {
    c.emplace_back(cmd::Seek{position_of(seek->pass, seek->t, stepping_steps(s))});
  } else if (const auto* play = std::get_if<PlayAction>(&step.action)) {
    c.emplace_back(cmd::SetPass{play->pass});
    c.emplace_back(cmd::Play{});
  } else if (const auto* train = std::get_if<TrainAction>(&step.action)) {
    c.emplace_back(cmd::Train{train->until_step});  // the session pauses exactly at that step
    plan.train_until = train->until_step;
  } else if (std::holds_alternative<ResetAction>(step.action)) {
    c.emplace_back(cmd::ResetTraining{});
  }

  UiDirectives& ui = plan.ui;
  ui.workspace = s.workspace;
  ui.panels = s.panels;
  ui.highlight = step.highlight;
  if (const auto* set = std::get_if<SetAction>(&step.action)) ui.slider = set->slider;
  ui.unit = s.unit;
  ui.smoothing = s.smoothing;
  return plan;
}

bool train_goal_reached(const Snapshot& snapshot, std::int64_t until_step, std::uint64_t after_sequence) {
  if (snapshot.applied < after_sequence) return false;
  if (snapshot.train_steps >= until_step) return true;
  const TrainState state = snapshot.train ? snapshot.train->state : TrainState::idle;
  return state == TrainState::finished || state == TrainState::early_stopped || state == TrainState::diverged;
}

std::string step_count_text(const Lesson& lesson, int index) {
  return "Step " + std::to_string(index + 1) + " of " + std::to_string(lesson.steps.size());
}

}  // namespace unrolled::app
