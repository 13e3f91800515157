// One training run as the worker holds it: the trainer on its data, the recorder of its curves, its
// decay snapshots and its latest views. The Training workspace's run (training_job.hpp) and each run of
// a compare set (compare_job.hpp) are one of these, so the same code trains, refreshes, publishes and
// saves both. Also the helpers both jobs use: the refresh cadence of the views, the slice size, and
// the clamps of the validation window and the rollout.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "app/session/job.hpp"
#include "app/session/session_file.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

// Records every step of a run into decimated histories.
struct Recorder final : TrainListener {
  History<StepPoint> steps;
  History<EpochPoint> epochs;
  void on_step(const StepMetrics& m) override;
  void on_epoch(const EpochMetrics& m) override;
};

// The views (forecasts, decay curves, the followed scene) are recomputed from the weights now and
// then while training: after each refresh, the next is due once 9× its cost has passed (at least
// 0.25 s), so the views take at most a tenth of the training time.
class RefreshCadence {
 public:
  template <class Refresh> void refresh(Refresh&& refresh) {
    const auto start = Clock::now();
    refresh();
    const auto end = Clock::now();
    const double cost = std::chrono::duration<double>(end - start).count();
    due_ = end + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(0.25, 9.0 * cost)));
  }
  bool due(Clock::time_point now) const { return now >= due_; }
  void due_now() { due_ = Clock::now(); }

 private:
  Clock::time_point due_{};
};

// Steps in one slice of about 10 ms at `seconds_per_step` (1…100000).
std::int64_t slice_steps(double seconds_per_step);

// The validation window the stepping views follow: 0…V−1 (0 when there is none).
int clamp_window(int window, const Dataset& data);

// Where the rollout starts and how far it goes; 0 = from the split, over the validation part.
struct ForecastRange {
  int rollout_from = 0, horizon = 0;
};
// rollout_from into 0…N, horizon into 0…4N (N the series length; 0 for a memory task).
ForecastRange clamp_forecast_range(int rollout_from, int horizon, int series_length);

// Not moved once started (the trainer reports to `recorder`): compare runs live behind unique_ptr.
struct Run {
  std::shared_ptr<const Dataset> data;
  std::shared_ptr<const SeriesDataset> series;       // data as a series (forecasts); null for a memory task
  std::shared_ptr<const MemoryTaskDataset> memory;   // data as a memory task (task view); null for a series
  Trainer trainer;
  Recorder recorder;
  TrainState state = TrainState::idle;
  DecayView decay;
  std::int64_t next_decay_keep = 0;            // the next step whose decay curve is kept: 0, 10, 100, …
  std::shared_ptr<const ForecastView> forecast;      // never null; empty for a memory task
  std::shared_ptr<const TaskView> task;              // a memory task's answers; null for a series
  std::shared_ptr<const DecayView> decay_pub;
  double seconds_per_step = 1e-3;              // running estimate, sizes the slices
  double val_persistence_mse = 0;              // the series' persistence baseline on its validation windows; NaN for a task

  bool running() const { return state == TrainState::running; }
  // A fresh run at step 0 on `d`; throws std::invalid_argument naming the field and changes nothing.
  void start(std::shared_ptr<const Dataset> d, const TrainerConfig& config);
  // Takes over a trainer on the data set `d` (fresh, or restored from a session file), with empty
  // histories.
  void adopt(std::shared_ptr<const Dataset> d, Trainer restored);
  // Empty histories and decay snapshots, idle (after a new run or a reset).
  void clear();
  // A memory task has no series to forecast: its task view stands in.
  void refresh_forecast(ForecastRange range);
  int series_length() const { return series ? series->length() : 0; }
  void refresh_decay();
  // Up to n steps, stopping at the next kept decay snapshot (so it is exact); returns the steps done.
  int train(std::int64_t n);
  bool at_decay_keep() const { return trainer.step() == next_decay_keep; }
  // The state a trainer that is done ends in.
  TrainState end_state() const;

  // What the Training view and a compare run's view share: state, counts, curves and latest views.
  template <class View> void fill_view(View& v) const {
    v.state = state;
    v.step = trainer.step();
    v.epoch = trainer.epoch();
    v.steps_per_epoch = trainer.steps_per_epoch();
    v.seconds = trainer.seconds();
    v.last_val_mse = trainer.epoch() > 0 ? trainer.last_epoch().val_mse : std::nan("");
    v.steps = std::make_shared<std::vector<StepPoint>>(recorder.steps.with_pending());
    v.epochs = std::make_shared<std::vector<EpochPoint>>(recorder.epochs.with_pending());
    v.forecast = forecast;
    v.task = task;
    v.decay = decay_pub;
  }

  // Session files: the weights, the trainer's state, the histories, the decay snapshots and the state.
  void save(SessionRun& r) const;
  // After adopt(): continues the histories and decay snapshots of `r` (checked when parsed).
  void restore_records(const SessionRun& r);
};

}  // namespace unrolled::app
