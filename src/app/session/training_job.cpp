#include "app/session/training_job.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "app/session/numbers.hpp"
#include "app/session/scene.hpp"
#include "io/atomic_write.hpp"
#include "io/json_util.hpp"
#include "io/model_file.hpp"

namespace unrolled::app {

namespace {
// The model file's "result" entry, as unrolled-cli train writes it.
nlohmann::json run_result(const Run& run) {
  const TrainStatus status = run.state == TrainState::diverged        ? TrainStatus::diverged
                             : run.state == TrainState::early_stopped ? TrainStatus::early_stopped
                             : run.state == TrainState::finished      ? TrainStatus::finished
                                                                        : TrainStatus::running;
  const Trainer& t = run.trainer;
  nlohmann::json r = {{"status", train_status_name(status)},
                      {"epochs", t.epoch()},
                      {"steps", t.step()},
                      {"best_epoch", t.best_epoch()}};
  if (t.epoch() > 0 && std::isfinite(t.last_epoch().val_mse)) r["val_mse"] = t.last_epoch().val_mse;
  return r;
}
}  // namespace

void TrainingJob::new_run(const TrainSettings& next) {
  if (std::string e = validate_train_settings(next); !e.empty()) throw std::runtime_error(e);
  auto data = make_train_dataset(next);
  run_.start(std::move(data), next.trainer);  // throws std::invalid_argument naming the field
  settings_ = next;
  model_file_.clear();
  restart_records();
  window_ = clamp_window(window_, *run_.data);
  range_ = {};
}

void TrainingJob::restart_records() {
  run_.clear();
  message_.clear();
  steps_per_second_ = 0;
  wall_seconds_ = 0;
  ++model_version_;
  refresh_views();
}

double TrainingJob::wall_now() const {
  return wall_seconds_ + (training() ? std::chrono::duration<double>(Clock::now() - running_since_).count() : 0.0);
}

void TrainingJob::leave_running(TrainState next) {
  if (training()) wall_seconds_ = wall_now();
  run_.state = next;
}

void TrainingJob::refresh_training_scene() {
  if (!following_) return;
  std::ostringstream src;
  src << "training model, step " << run_.trainer.step() << ", validation window " << window_ + 1 << " of "
      << run_.data->count(Split::validation);
  SceneSettings st = explorer_.settings();
  st.model = run_.trainer.model().config;
  st.steps = run_.data->steps();
  st.loss = run_.data->loss();
  st.seed = settings_.trainer.seed;
  st.model_path.clear();
  explorer_.show(build_training_scene(run_.trainer.model(), *run_.data, window_, st, explorer_.take_scene_id(), src.str()));
}

void TrainingJob::refresh_views() {
  views_.refresh([&] {
    run_.refresh_forecast(range_);
    run_.refresh_decay();
    refresh_training_scene();
  });
}

void TrainingJob::stop_training(TrainState state) {
  leave_running(state);
  if (state == TrainState::diverged) {
    message_ = run_.trainer.divergence().message;
  } else if (state == TrainState::finished || state == TrainState::early_stopped) {
    const Trainer& t = run_.trainer;
    std::ostringstream m;
    m << (state == TrainState::finished ? "finished " : "stopped early after ") << t.epoch() << " epochs, " << t.step()
      << " steps; best validation MSE " << t.best_val_mse() << " at epoch " << t.best_epoch();
    if (state == TrainState::early_stopped) m << " (its weights are restored)";
    message_ = m.str();
  }
  refresh_views();
  status_.say(message_.empty() ? std::string("training paused") : message_, state == TrainState::diverged);
}

bool TrainingJob::slice(Clock::time_point now) {
  if (!training()) return false;
  std::int64_t n = slice_steps(run_.seconds_per_step);
  if (max_steps_per_second_ > 0) {
    const double elapsed = std::chrono::duration<double>(now - throttle_start_).count();
    const auto allowed = static_cast<std::int64_t>(elapsed * max_steps_per_second_) - (run_.trainer.step() - throttle_step_);
    n = std::min(n, allowed);
    if (n <= 0) return false;
  }
  if (train_until_ > 0) n = std::min(n, train_until_ - run_.trainer.step());  // an exact stop
  if (n > 0 && run_.train(n) > 0) ++model_version_;
  const auto end = Clock::now();
  const double rate_dt = std::chrono::duration<double>(end - rate_time_).count();
  if (rate_dt >= 0.5) {
    steps_per_second_ = static_cast<double>(run_.trainer.step() - rate_step_) / rate_dt;
    rate_step_ = run_.trainer.step();
    rate_time_ = end;
  }
  if (run_.trainer.done()) {
    stop_training(run_.end_state());
    return true;
  }
  if (train_until_ > 0 && run_.trainer.step() >= train_until_) {
    on(cmd::PauseTraining{});  // refreshes the views at exactly that step
    return true;
  }
  if (run_.at_decay_keep() || views_.due(end)) refresh_views();
  return true;
}

Clock::time_point TrainingJob::next_wake(Clock::time_point now) const {
  if (!training()) return Clock::time_point::max();
  if (max_steps_per_second_ <= 0) return now;
  const double due = static_cast<double>(run_.trainer.step() - throttle_step_ + 1) / max_steps_per_second_;
  return throttle_start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(due));
}

void TrainingJob::start_throttle_clock() {
  throttle_start_ = rate_time_ = Clock::now();
  throttle_step_ = rate_step_ = run_.trainer.step();
}

void TrainingJob::adopt_weights(const Model<float>& m, const nlohmann::json& extra, const std::string& path) {
  if (m.config.uses_version2()) return;  // a token model is the Step workspace's only
  std::string note;
  TrainSettings next = settings_;
  try {  // the data, its column, T, … and the normalisation the file was trained with
    std::vector<std::string> skipped;
    next = settings_from_model_file(settings_, extra, path, &skipped);
    if (!skipped.empty()) {
      note = "; settings the app does not take were left out:";
      for (const std::string& k : skipped) note += " " + k;
    }
  } catch (const std::exception& e) {
    note = std::string("; its training record was not used (") + e.what() + ")";
  }
  next.trainer.model = m.config;
  const auto fits = [&](const TrainSettings& s) {
    const int inputs = s.task ? memory_task_inputs(s.task->task) : 1;
    return m.config.input_size == inputs && m.config.output_size == 1 && m.config.hidden_size <= max_train_hidden &&
           m.config.num_layers <= max_train_layers;
  };
  if (!fits(next)) return;
  try {
    new_run(next);
  } catch (const std::exception& e) {
    // The data the file names cannot be opened here: keep this run's data, with the file's statistics.
    TrainSettings kept = settings_;
    kept.trainer.model = m.config;
    if (!kept.task) kept.normalization = next.normalization;
    if (!fits(kept)) return;
    try {
      new_run(kept);
    } catch (const std::exception&) {
      return;  // the current run stays; the stepping views still show the file
    }
    note += "; its data " + train_data_name(next) + " could not be opened (" + e.what() + "), so the run keeps " +
            train_data_name(kept);
  }
  run_.trainer.mutable_model().params = m.params;
  ++model_version_;
  refresh_views();
  model_file_ = path;
  const std::string name = std::filesystem::path(path).filename().string();
  std::string norm;
  if (settings_.normalization)
    norm = ", normalised with the file's mean " + exact_num(settings_.normalization->mean) + " and std " +
           exact_num(settings_.normalization->std);
  else if (run_.series)
    norm = ", normalised with this series' own statistics (the file stores none)";
  message_ = "the training run starts from " + name + " on " + train_data_name(settings_) + norm +
             " (optimizer state fresh; R resets to the seed's weights)" + note;
}

void TrainingJob::pause_for_compare() {
  if (!training()) return;
  leave_running(TrainState::paused);
  steps_per_second_ = 0;
}

bool TrainingJob::on(const cmd::ConfigureTraining& c) {
  try {
    const bool was_running = training();
    new_run(c.settings);
    error_.clear();
    if (following_) refresh_training_scene();
    if (!c.quiet) status_.say("new training run: " + run_.data->describe() + (was_running ? " (press T to train)" : ""), false);
    return true;
  } catch (const std::exception& e) {
    error_ = e.what();
    status_.say(error_, true);
    return false;
  }
}

void TrainingJob::on(const cmd::Train& c) {
  if (c.until_step > 0 && c.until_step <= run_.trainer.step()) {
    status_.say("the run is already at step " + std::to_string(run_.trainer.step()), false);
    return;
  }
  train_until_ = c.until_step;
  switch (run_.state) {
    case TrainState::running: return;
    case TrainState::diverged:
      status_.say("this run diverged at step " + std::to_string(run_.trainer.divergence().step) +
                      "; change the settings (a lower learning rate or clipping) or reset (R) first",
                  true);
      return;
    case TrainState::finished:
    case TrainState::early_stopped:
      status_.say("this run has ended (" + std::string(train_state_name(run_.state)) +
                      "); raise the epochs and apply, or reset (R) to run it again",
                  true);
      return;
    default: break;
  }
  run_.state = TrainState::running;
  running_since_ = Clock::now();
  if (!following_) {
    following_ = true;
    refresh_training_scene();
  }
  start_throttle_clock();
  status_.say("training", false);
}

void TrainingJob::on(const cmd::PauseTraining&) {
  train_until_ = 0;
  if (!training()) return;
  leave_running(TrainState::paused);
  steps_per_second_ = 0;
  refresh_views();
  status_.say("training paused at step " + std::to_string(run_.trainer.step()), false);
}

void TrainingJob::on(const cmd::ToggleTraining&) {
  if (training()) on(cmd::PauseTraining{});
  else on(cmd::Train{});
}

void TrainingJob::on(const cmd::ResetTraining&) {
  train_until_ = 0;
  run_.trainer.reset();
  model_file_.clear();  // back to the seed's weights
  restart_records();
  status_.say("training reset to step 0 (seed " + std::to_string(settings_.trainer.seed) + ")", false);
}

void TrainingJob::on(const cmd::SetTrainSpeed& c) {
  const double v = c.max_steps_per_second;
  max_steps_per_second_ = std::isfinite(v) && v > 0 ? v : 0;
  start_throttle_clock();
}

void TrainingJob::on(const cmd::SetForecast& c) {
  range_ = clamp_forecast_range(c.rollout_from, c.horizon, run_.series_length());
  run_.refresh_forecast(range_);
}

void TrainingJob::on(const cmd::SetWindow& c) {
  window_ = clamp_window(c.window, *run_.data);
  refresh_training_scene();
}

void TrainingJob::on(const cmd::Follow& c) {
  if (c.on == following_) return;
  following_ = c.on;
  if (following_) refresh_training_scene();
  else explorer_.rebuild_seeded(explorer_.settings());
}

void TrainingJob::on(const cmd::SaveModel& c) {
  try {
    // A memory task is not normalised: its model file has no "normalization" key (as the CLI's).
    nlohmann::json extra = io::training_metadata_json(run_.series ? run_.series->normalization() : Normalization{},
                                                      train_setting_entries(settings_), run_result(run_));
    if (!run_.series) extra.erase("normalization");
    io::save_model(c.path, run_.trainer.model(), std::move(extra));
    status_.say("saved the model at step " + std::to_string(run_.trainer.step()) + " to " + c.path, false);
  } catch (const std::exception& e) {
    status_.say(std::string("could not save the model: ") + e.what(), true);
  }
}

void TrainingJob::on(const cmd::ExportCurves& c) {
  try {
    io::write_file_atomic(c.path, curves_csv(run_.recorder.steps.with_pending(), run_.recorder.epochs.with_pending()));
    status_.say("exported the training curves to " + c.path, false);
  } catch (const std::exception& e) {
    status_.say(std::string("could not export the curves: ") + e.what(), true);
  }
}

void TrainingJob::on(const cmd::ExportForecast& c) {
  try {
    io::write_file_atomic(c.path, run_.task ? task_csv(*run_.task) : forecast_csv(*run_.forecast));
    status_.say(std::string(run_.task ? "exported the task's answers to " : "exported the forecast to ") + c.path, false);
  } catch (const std::exception& e) {
    status_.say(std::string("could not export the forecast: ") + e.what(), true);
  }
}

std::shared_ptr<TrainView> TrainingJob::view() const {
  auto v = std::make_shared<TrainView>();
  const Trainer& t = run_.trainer;
  run_.fill_view(*v);
  v->settings = settings_;
  v->data_description = run_.data->describe();
  v->error = error_;
  v->batch = t.batch();
  v->wall_seconds = wall_now();
  v->lr = t.lr();
  v->steps_per_second = training() ? steps_per_second_ : 0;
  v->max_steps_per_second = max_steps_per_second_;
  v->last_loss = v->steps->empty() ? std::nan("") : v->steps->back().loss;
  v->best_val_mse = t.best_epoch() > 0 ? t.best_val_mse() : std::nan("");
  v->best_epoch = t.best_epoch();
  v->val_persistence_mse = run_.val_persistence_mse;
  v->model_file = model_file_;
  v->message = message_;
  v->divergence_step = run_.state == TrainState::diverged ? t.divergence().step : 0;
  v->step_stride = run_.recorder.steps.stride();
  v->window = window_;
  v->windows = run_.data->count(Split::validation);
  v->following = following_;
  v->model_version = model_version_;
  return v;
}

void TrainingJob::save(TrainSettings& training, SessionRun& r) const {
  training = settings_;
  run_.save(r);
  r.message = message_;
  r.window = window_;
  r.following = following_;
  r.max_steps_per_second = max_steps_per_second_;
  r.rollout_from = range_.rollout_from;
  r.horizon = range_.horizon;
  r.wall_seconds = wall_now();
}

TrainingJob::Restoring TrainingJob::prepare_restore(const SessionFile& f, const std::string& path) {
  Restoring out;
  try {
    out.data = make_train_dataset(f.training);
  } catch (const std::exception& e) {
    throw io::FormatError(path + ": training.data: " + e.what());
  }
  try {
    out.trainer = Trainer(out.data, f.training.trainer);
    out.trainer.restore(f.run.trainer);
  } catch (const std::invalid_argument& e) {
    throw io::FormatError(path + ": run.trainer: " + e.what());
  }
  return out;
}

void TrainingJob::restore(const SessionFile& f, Restoring restoring) {
  const SessionRun& r = f.run;
  if (training()) leave_running(TrainState::paused);
  run_.adopt(std::move(restoring.data), std::move(restoring.trainer));
  run_.restore_records(r);
  settings_ = f.training;
  error_.clear();
  message_ = r.message;
  train_until_ = 0;
  steps_per_second_ = 0;
  wall_seconds_ = r.wall_seconds;
  max_steps_per_second_ = r.max_steps_per_second;
  window_ = clamp_window(r.window, *run_.data);
  range_ = clamp_forecast_range(r.rollout_from, r.horizon, run_.series_length());
  run_.refresh_forecast(range_);
  ++model_version_;
  following_ = r.following;
  views_.due_now();
}

}  // namespace unrolled::app
