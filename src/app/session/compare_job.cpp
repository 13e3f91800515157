#include "app/session/compare_job.hpp"

#include <algorithm>
#include <exception>

namespace unrolled::app {

bool CompareJob::training() const {
  return std::any_of(runs_.begin(), runs_.end(), [](const auto& r) { return r->running(); });
}

std::vector<CellKind> CompareJob::cells() const {
  std::vector<CellKind> cells;
  for (const auto& r : runs_) cells.push_back(r->trainer.config().model.cell);
  return cells;
}

std::string CompareJob::names() const {
  std::string names;
  for (const auto& r : runs_) names += (names.empty() ? "" : ", ") + std::string(cell_name(r->trainer.config().model.cell));
  return names;
}

void CompareJob::refresh_views() {
  views_.refresh([&] {
    for (auto& r : runs_) {
      r->refresh_forecast(main_.forecast_range());
      r->refresh_decay();
    }
  });
}

bool CompareJob::build(const std::vector<CellKind>& cells) {
  if (std::string e = validate_compare_cells(cells); !e.empty()) {
    status_.say(e, true);
    return false;
  }
  std::vector<std::unique_ptr<Run>> runs;
  try {
    for (CellKind cell : cells) {
      TrainerConfig tc = main_.settings().trainer;
      tc.model.cell = cell;
      auto r = std::make_unique<Run>();
      r->start(main_.run().data, tc);
      runs.push_back(std::move(r));
    }
  } catch (const std::exception& e) {
    status_.say(std::string("compare: ") + e.what(), true);
    return false;
  }
  runs_ = std::move(runs);
  return true;
}

void CompareJob::started() {
  refresh_views();
  status_.say("comparing " + names() + " on " + main_.run().data->describe() + " (press T to train them together)", false);
}

void CompareJob::on(const cmd::StopCompare&) {
  if (!active()) return;
  runs_.clear();
  status_.say("compare mode off", false);
}

void CompareJob::on(const cmd::Train& c) {
  train_until_ = c.until_step;
  int started = 0;
  for (auto& r : runs_)
    if ((r->state == TrainState::idle || r->state == TrainState::paused) && (c.until_step <= 0 || r->trainer.step() < c.until_step)) {
      r->state = TrainState::running;
      ++started;
    }
  if (started == 0 && c.until_step > 0 && !runs_.empty() &&
      std::all_of(runs_.begin(), runs_.end(), [&](const auto& r) { return r->trainer.step() >= c.until_step; }))
    return status_.say("the comparison is already at step " + std::to_string(runs_.front()->trainer.step()), false);
  if (started == 0) return status_.say("every run of the comparison has ended; reset (R) to run them again", true);
  status_.say("training " + names() + " together", false);
}

void CompareJob::on(const cmd::PauseTraining&) {
  train_until_ = 0;
  if (!training()) return;
  for (auto& r : runs_)
    if (r->running()) r->state = TrainState::paused;
  refresh_views();
  status_.say("comparison paused at step " + std::to_string(runs_.front()->trainer.step()), false);
}

void CompareJob::on(const cmd::ToggleTraining&) {
  if (training()) on(cmd::PauseTraining{});
  else on(cmd::Train{});
}

void CompareJob::on(const cmd::ResetTraining&) {
  train_until_ = 0;
  for (auto& r : runs_) {
    r->trainer.reset();
    r->clear();
  }
  refresh_views();
  status_.say("comparison reset to step 0 (seed " + std::to_string(main_.settings().trainer.seed) + ")", false);
}

void CompareJob::on(const cmd::SetForecast&) {
  for (auto& r : runs_) r->refresh_forecast(main_.forecast_range());
}

bool CompareJob::slice(Clock::time_point) {
  if (!training()) return false;
  double per = 0;
  for (const auto& r : runs_)
    if (r->running()) per += r->seconds_per_step;
  const std::int64_t n = slice_steps(per);
  bool refresh = false, paused_at_goal = false;
  for (auto& r : runs_) {
    if (!r->running()) continue;
    r->train(train_until_ > 0 ? std::min(n, train_until_ - r->trainer.step()) : n);  // an exact stop
    if (train_until_ > 0 && r->trainer.step() >= train_until_ && !r->trainer.done()) {
      r->state = TrainState::paused;
      refresh = paused_at_goal = true;
      continue;
    }
    if (r->trainer.done()) {
      r->state = r->end_state();
      refresh = true;
      status_.say(std::string(cell_name(r->trainer.config().model.cell)) + ": " + train_state_name(r->state) +
                      " at step " + std::to_string(r->trainer.step()),
                  r->state == TrainState::diverged);
    }
    refresh |= r->at_decay_keep();
  }
  if (train_until_ > 0 && !training()) {
    if (paused_at_goal) status_.say("comparison paused at step " + std::to_string(train_until_), false);
    train_until_ = 0;
  }
  if (refresh || views_.due(Clock::now())) refresh_views();
  return true;
}

std::shared_ptr<const CompareView> CompareJob::view() const {
  if (!active()) return nullptr;
  auto v = std::make_shared<CompareView>();
  v->data_description = main_.run().data->describe();
  for (const auto& r : runs_) {
    const Trainer& t = r->trainer;
    CompareRunView c;
    r->fill_view(c);
    c.cell = t.config().model.cell;
    c.parameter_count = parameter_count(t.config().model);
    c.steps_per_second = t.seconds() > 0 ? static_cast<double>(t.step()) / t.seconds() : 0.0;
    if (r->state == TrainState::diverged) c.message = t.divergence().message;
    v->runs.push_back(std::move(c));
  }
  return v;
}

}  // namespace unrolled::app
