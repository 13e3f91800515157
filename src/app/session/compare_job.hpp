// The comparison job (Compare workspace): 2–3 runs (run.hpp) that differ from the training run only
// in the cell — the same data set (shared), seed and settings — trained together in lockstep so their
// curves line up by step. While the set exists, the dispatcher sends it the training commands (Train,
// PauseTraining, ToggleTraining, ResetTraining) instead of the training job.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/session/command.hpp"
#include "app/session/job.hpp"
#include "app/session/run.hpp"
#include "app/session/training.hpp"
#include "app/session/training_job.hpp"

namespace unrolled::app {

class CompareJob {
 public:
  // The set follows `main`: its data, settings and forecast range.
  CompareJob(Status& status, const TrainingJob& main) : status_(status), main_(main) {}

  bool active() const { return !runs_.empty(); }
  bool training() const;  // any run training
  std::vector<CellKind> cells() const;

  // Builds the set on the training run's data and settings, at step 0 (paused). False (with a
  // message, the old set kept) when the cells or the settings cannot make one.
  bool build(const std::vector<CellKind>& cells);
  // After build() (and the training run paused): refreshes the views and says what is compared.
  void started();
  void on(const cmd::StopCompare&);
  void on(const cmd::Train&);             // until_step > 0: every run pauses exactly there
  void on(const cmd::PauseTraining&);
  void on(const cmd::ToggleTraining&);
  void on(const cmd::ResetTraining&);
  void on(const cmd::SetForecast&);        // the training job's range (already clamped), on every run
  void clear() { runs_.clear(); }          // compare runs are not saved in session files

  // One slice (about 10 ms in all): every running run trains the same number of steps, so the curves
  // stay aligned by step. A run that ends stops alone; the others go on. True when something changed.
  bool slice(Clock::time_point now);
  // The set trains at full speed: now while it trains, else max.
  Clock::time_point next_wake(Clock::time_point now) const { return training() ? now : Clock::time_point::max(); }

  // Null when compare mode is off.
  std::shared_ptr<const CompareView> view() const;

 private:
  std::string names() const;
  void refresh_views();  // forecasts and decay curves of every run

  Status& status_;
  const TrainingJob& main_;
  std::vector<std::unique_ptr<Run>> runs_;  // empty: compare mode off
  RefreshCadence views_;
  std::int64_t train_until_ = 0;  // cmd::Train::until_step (0: until the runs end)
};

}  // namespace unrolled::app
