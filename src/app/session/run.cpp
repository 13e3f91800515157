#include "app/session/run.hpp"

#include <cmath>

namespace unrolled::app {

void Recorder::on_step(const StepMetrics& m) {
  steps.add({m.step, m.epoch, 1, m.seconds, m.train_loss, m.grad_norm, m.lr});
}
void Recorder::on_epoch(const EpochMetrics& m) {
  epochs.add({m.epoch, m.step, 1, m.seconds, m.train_loss, m.val_mse, m.val_mae, m.lr});
}

std::int64_t slice_steps(double seconds_per_step) {
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(0.010 / seconds_per_step), 1, 100000);
}

int clamp_window(int window, const Dataset& data) {
  return std::clamp(window, 0, std::max(data.count(Split::validation) - 1, 0));
}

ForecastRange clamp_forecast_range(int rollout_from, int horizon, int series_length) {
  return {std::clamp(rollout_from, 0, series_length), std::clamp(horizon, 0, 4 * series_length)};
}

void Run::start(std::shared_ptr<const Dataset> d, const TrainerConfig& config) {
  Trainer fresh(d, config);
  adopt(std::move(d), std::move(fresh));
}

void Run::adopt(std::shared_ptr<const Dataset> d, Trainer restored) {
  data = std::move(d);
  series = std::dynamic_pointer_cast<const SeriesDataset>(data);
  memory = std::dynamic_pointer_cast<const MemoryTaskDataset>(data);
  val_persistence_mse = series ? series->persistence_mse(Split::validation) : std::nan("");
  trainer = std::move(restored);
  trainer.set_listener(&recorder);
  clear();
}

void Run::clear() {
  recorder.steps.clear();
  recorder.epochs.clear();
  decay = DecayView{};
  next_decay_keep = 0;
  state = TrainState::idle;
}

void Run::refresh_forecast(ForecastRange range) {
  if (!series) {
    if (!forecast) forecast = std::make_shared<const ForecastView>();
    if (memory) task = std::make_shared<const TaskView>(compute_task_view(trainer, *memory));
    return;
  }
  const int from = range.rollout_from > 0 ? range.rollout_from : series->split_index();
  const int k = range.horizon > 0 ? range.horizon : std::max(series->length() - series->split_index(), 1);
  forecast = std::make_shared<const ForecastView>(compute_forecast(trainer, *series, from, k));
}

void Run::refresh_decay() {
  decay.current = compute_decay(trainer);
  if (trainer.step() >= next_decay_keep) {
    decay.earlier.push_back(decay.current);
    if (decay.earlier.size() > decay_keep) decay.earlier.erase(decay.earlier.begin() + 1);  // keep step 0
    next_decay_keep = next_decay_keep == 0 ? 10 : next_decay_keep * 10;
  }
  decay_pub = std::make_shared<const DecayView>(decay);
}

int Run::train(std::int64_t n) {
  if (next_decay_keep > trainer.step()) n = std::min(n, next_decay_keep - trainer.step());
  const auto start = Clock::now();
  const int ran = trainer.train_steps(static_cast<int>(n));
  if (ran > 0) {
    const double per = std::chrono::duration<double>(Clock::now() - start).count() / ran;
    seconds_per_step = 0.8 * seconds_per_step + 0.2 * per;
  }
  return ran;
}

TrainState Run::end_state() const {
  switch (trainer.status()) {
    case TrainStatus::diverged: return TrainState::diverged;
    case TrainStatus::early_stopped: return TrainState::early_stopped;
    default: return TrainState::finished;
  }
}

void Run::save(SessionRun& r) const {
  r.state = state;
  r.model = trainer.model();
  r.trainer = trainer.state();
  r.steps = recorder.steps.points();
  if (const StepPoint* p = recorder.steps.pending()) r.steps_pending = *p;
  r.steps_stride = recorder.steps.stride();
  r.epochs = recorder.epochs.points();
  if (const EpochPoint* p = recorder.epochs.pending()) r.epochs_pending = *p;
  r.epochs_stride = recorder.epochs.stride();
  r.decay = decay;
  r.next_decay_keep = next_decay_keep;
}

void Run::restore_records(const SessionRun& r) {
  (void)recorder.steps.restore(r.steps, r.steps_pending, r.steps_stride);  // checked when parsed
  (void)recorder.epochs.restore(r.epochs, r.epochs_pending, r.epochs_stride);
  decay = r.decay;
  decay_pub = std::make_shared<const DecayView>(decay);
  next_decay_keep = r.next_decay_keep;
  state = r.state;
}

}  // namespace unrolled::app
