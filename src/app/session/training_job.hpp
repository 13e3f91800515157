// The training job (Train workspace): the run the training panel drives — its settings, the run
// (run.hpp), the play state of training (throttle, "train to step N", rates, wall time), the
// validation window and rollout its views use, and whether the stepping views follow it (then its
// scenes are shown in the explorer). Its commands, its slice of training, its TrainView and its part
// of a session file.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "app/session/command.hpp"
#include "app/session/explorer.hpp"
#include "app/session/job.hpp"
#include "app/session/run.hpp"
#include "app/session/session_file.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

class TrainingJob {
 public:
  TrainingJob(Status& status, Explorer& explorer) : status_(status), explorer_(explorer) {}

  // A fresh run of `next` at step 0 (paused). Throws std::runtime_error (settings, data) or
  // std::invalid_argument (the core) and keeps the current run then.
  void new_run(const TrainSettings& next);
  // Settings that could not be applied (TrainView::error); the previous run is kept.
  void set_error(std::string error) { error_ = std::move(error); }

  // True when the new run was built (the compare set then follows the settings).
  bool on(const cmd::ConfigureTraining& c);
  void on(const cmd::Train& c);
  void on(const cmd::PauseTraining&);
  void on(const cmd::ToggleTraining&);
  void on(const cmd::ResetTraining&);
  void on(const cmd::SetTrainSpeed& c);
  void on(const cmd::SetForecast& c);
  void on(const cmd::SetWindow& c);
  void on(const cmd::Follow& c);
  void on(const cmd::SaveModel& c);
  void on(const cmd::ExportCurves& c);
  void on(const cmd::ExportForecast& c);

  // A loaded forecaster (one input, one output) also becomes the run's model, so the forecast and
  // decay views show it and training can continue from it; other models leave the run as it is.
  // The run takes the file's training record (`extra`: data, column, T, …, settings_from_model_file)
  // and its stored normalisation; data that cannot be opened here leaves this run's data in place.
  void adopt_weights(const Model<float>& m, const nlohmann::json& extra, const std::string& path);
  // The explorer's own settings take over the stepping views (cmd::Configure, Reseed, LoadModel).
  void unfollow() { following_ = false; }
  // One thing trains at a time: a compare set starting pauses this run (without a message).
  void pause_for_compare();

  bool training() const { return run_.running(); }
  // Runs one slice of training (about 10 ms); true when there is something new to publish.
  bool slice(Clock::time_point now);
  // When the worker should wake up next for training (throttled runs sleep between steps; max: not
  // training).
  Clock::time_point next_wake(Clock::time_point now) const;

  const Run& run() const { return run_; }
  const TrainSettings& settings() const { return settings_; }
  ForecastRange forecast_range() const { return range_; }
  const std::string& message() const { return message_; }
  std::shared_ptr<TrainView> view() const;  // compare: filled in by the dispatcher

  // Session files: the settings and the run. restore() takes over a trainer already restored on its
  // data set (nothing can fail any more); show_followed() then shows the followed scene, once the
  // explorer is restored.
  void save(TrainSettings& training, SessionRun& r) const;
  // What can fail, before anything changes: the data set of f.training and a trainer on it restored
  // to f.run.trainer. Throws io::FormatError "PATH: FIELD: reason".
  struct Restoring {
    std::shared_ptr<const Dataset> data;
    Trainer trainer;
  };
  static Restoring prepare_restore(const SessionFile& f, const std::string& path);
  void restore(const SessionFile& f, Restoring restoring);
  void show_followed() { refresh_training_scene(); }

 private:
  void restart_records();  // after a new run or a reset: empty curves, step 0
  double wall_now() const;
  void leave_running(TrainState next);  // adds the running time to wall_seconds_
  void refresh_training_scene();
  void refresh_views();  // forecast, decay curves and the followed scene, from the current weights
  void stop_training(TrainState state);
  void start_throttle_clock();

  Status& status_;
  Explorer& explorer_;
  TrainSettings settings_;
  Run run_;
  std::string error_, message_;
  std::string model_file_;  // the model file the run started from ("" = the seed's weights)
  ForecastRange range_;
  int window_ = 0;                   // validation window of the stepping views
  bool following_ = false;
  double max_steps_per_second_ = 0;  // 0 = full speed
  std::uint64_t model_version_ = 1;
  RefreshCadence views_;
  Clock::time_point rate_time_{}, throttle_start_{};
  std::int64_t rate_step_ = 0, throttle_step_ = 0;
  double steps_per_second_ = 0;
  std::int64_t train_until_ = 0;     // > 0: pause exactly at this step (cmd::Train::until_step)
  double wall_seconds_ = 0;          // in the running state, this run
  Clock::time_point running_since_{};
};

}  // namespace unrolled::app
