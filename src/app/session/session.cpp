#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <system_error>
#include <sstream>
#include <type_traits>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/session/lab.hpp"
#include "app/session/scene.hpp"
#include "app/session/session_file.hpp"
#include "app/session/training.hpp"
#include "core/forecast.hpp"
#include "io/atomic_write.hpp"
#include "io/model_file.hpp"

namespace unrolled::app {

using Clock = std::chrono::steady_clock;

namespace {

// Records every step of a run into decimated histories.
struct Recorder final : TrainListener {
  History<StepPoint> steps;
  History<EpochPoint> epochs;
  void on_step(const StepMetrics& m) override {
    steps.add({m.step, m.epoch, 1, m.seconds, m.train_loss, m.grad_norm, m.lr});
  }
  void on_epoch(const EpochMetrics& m) override {
    epochs.add({m.epoch, m.step, 1, m.seconds, m.train_loss, m.val_mse, m.val_mae, m.lr});
  }
};

// One training run: the trainer on its data, its histories, its state and its latest views. The main
// run and each run of a compare set are one of these, so the same code trains and refreshes both.
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

  bool running() const { return state == TrainState::running; }
  // A fresh run at step 0 on `d`; throws std::invalid_argument naming the field and changes nothing.
  void start(std::shared_ptr<const Dataset> d, const TrainerConfig& config) {
    Trainer fresh(d, config);
    adopt(std::move(d), std::move(fresh));
  }
  // Empty histories and decay snapshots, idle (after a new run or a reset).
  void clear() {
    recorder.steps.clear();
    recorder.epochs.clear();
    decay = DecayView{};
    next_decay_keep = 0;
    state = TrainState::idle;
  }
  // rollout_from, horizon: 0 = from the split, over the validation part.
  // A memory task has no series to forecast: its task view stands in.
  void refresh_forecast(int rollout_from, int horizon) {
    if (!series) {
      if (!forecast) forecast = std::make_shared<const ForecastView>();
      if (memory) task = std::make_shared<const TaskView>(compute_task_view(trainer, *memory));
      return;
    }
    const int from = rollout_from > 0 ? rollout_from : series->split_index();
    const int k = horizon > 0 ? horizon : std::max(series->length() - series->split_index(), 1);
    forecast = std::make_shared<const ForecastView>(compute_forecast(trainer, *series, from, k));
  }
  int series_length() const { return series ? series->length() : 0; }
  void refresh_decay() {
    decay.current = compute_decay(trainer);
    if (trainer.step() >= next_decay_keep) {
      decay.earlier.push_back(decay.current);
      if (decay.earlier.size() > decay_keep) decay.earlier.erase(decay.earlier.begin() + 1);  // keep step 0
      next_decay_keep = next_decay_keep == 0 ? 10 : next_decay_keep * 10;
    }
    decay_pub = std::make_shared<const DecayView>(decay);
  }
  // Up to n steps, stopping at the next kept decay snapshot (so it is exact); returns the steps done.
  int train(std::int64_t n) {
    if (next_decay_keep > trainer.step()) n = std::min(n, next_decay_keep - trainer.step());
    const auto start = Clock::now();
    const int ran = trainer.train_steps(static_cast<int>(n));
    if (ran > 0) {
      const double per = std::chrono::duration<double>(Clock::now() - start).count() / ran;
      seconds_per_step = 0.8 * seconds_per_step + 0.2 * per;
    }
    return ran;
  }
  bool at_decay_keep() const { return trainer.step() == next_decay_keep; }
  // Takes over a trainer on the data set `d` (fresh, or restored from a session file), with empty
  // histories.
  void adopt(std::shared_ptr<const Dataset> d, Trainer restored) {
    data = std::move(d);
    series = std::dynamic_pointer_cast<const SeriesDataset>(data);
    memory = std::dynamic_pointer_cast<const MemoryTaskDataset>(data);
    trainer = std::move(restored);
    trainer.set_listener(&recorder);
    clear();
  }
  // The state a trainer that is done ends in.
  TrainState end_state() const {
    switch (trainer.status()) {
      case TrainStatus::diverged: return TrainState::diverged;
      case TrainStatus::early_stopped: return TrainState::early_stopped;
      default: return TrainState::finished;
    }
  }
};

}  // namespace

// Everything here belongs to the worker thread (and to the constructor, before it starts).
struct Session::Worker {
  SceneSettings settings;
  std::optional<Model<float>> file_model;  // weights from a model file, while the settings use them
  std::shared_ptr<const Scene> scene;
  std::uint64_t next_scene_id = 1;
  int position = 0;
  bool playing = false;
  double speed = 4.0;
  std::uint64_t applied = 0;
  std::uint64_t version = 0;
  std::string message;
  bool message_is_error = false;
  std::uint64_t message_id = 0;
  Clock::time_point next_tick{};

  TrainSettings train_settings;
  Run run;                                    // the main run
  std::string train_error, train_message;
  int rollout_from = 0, horizon = 0;          // 0 = from the split, over the validation part
  int window = 0;                             // validation window of the stepping views
  bool following = false;
  double max_steps_per_second = 0;            // 0 = full speed
  std::uint64_t model_version = 1;
  double views_cost = 0;                      // seconds the last views refresh took
  Clock::time_point views_due{}, publish_due{}, rate_time{}, throttle_start{};
  std::int64_t rate_step = 0, throttle_step = 0;
  double steps_per_second = 0;
  std::int64_t train_until = 0;               // > 0: pause exactly at this step (cmd::Train::until_step)
  double wall_seconds = 0;                    // in the running state, this run
  Clock::time_point running_since{};

  void say(std::string text, bool error) {
    message = std::move(text);
    message_is_error = error;
    ++message_id;
  }
  int steps() const { return scene->steps; }
  void seek(int p) { position = std::clamp(p, 0, last_position(steps())); }
  int pass_start() const { return pass_at(position, steps()) == Pass::forward ? 0 : steps() + 1; }
  int pass_end() const { return pass_at(position, steps()) == Pass::forward ? steps() : last_position(steps()); }

  void rebuild(SceneSettings next) {
    const std::string clamped = clamp_settings(next);
    const bool use_file = !next.model_path.empty() && file_model;
    auto built = build_scene(next, next_scene_id, use_file ? &*file_model : nullptr);
    ++next_scene_id;
    // Keep the cursor at the same pass and t when it still fits.
    const Pass pass = pass_at(position, scene ? scene->steps : 0);
    const int t = scene ? t_at(position, scene->steps) : 0;
    settings = built->settings;
    scene = std::move(built);
    position = position_of(pass, std::clamp(t, pass == Pass::forward ? 0 : 1, steps()), steps());
    seek(position);
    if (!clamped.empty()) say(clamped, true);
  }

  void apply(const Command& command) {
    std::visit([this](const auto& c) { on(c); }, command);
  }
  void on(const cmd::Play&) {
    if (position >= last_position(steps())) position = 0;  // play again from the start
    playing = true;
    next_tick = Clock::now() + interval();
  }
  void on(const cmd::Pause&) { playing = false; }
  void on(const cmd::TogglePlay&) {
    if (playing) on(cmd::Pause{});
    else on(cmd::Play{});
  }
  void on(const cmd::StepForward&) { seek(position + 1); }
  void on(const cmd::StepBack&) { seek(position - 1); }
  void on(const cmd::GoStart&) { seek(pass_start()); }
  void on(const cmd::GoEnd&) { seek(pass_end()); }
  void on(const cmd::Seek& c) { seek(c.position); }
  void on(const cmd::SetPass& c) { seek(c.pass == Pass::forward ? 0 : steps() + 1); }
  void on(const cmd::SetSpeed& c) {
    speed = std::clamp(c.steps_per_second == c.steps_per_second ? c.steps_per_second : 4.0, min_speed, max_speed);
  }
  void on(const cmd::Configure& c) {
    following = false;  // the explorer's settings take over the stepping views
    SceneSettings next = c.settings;
    // The model file's weights only fit its own architecture; changing it means fresh weights.
    if (file_model && (next.model.cell != file_model->config.cell ||
                       next.model.hidden_size != file_model->config.hidden_size ||
                       next.model.num_layers != file_model->config.num_layers))
      next.model_path.clear();
    if (next.model_path.empty()) file_model.reset();
    try {
      rebuild(next);
    } catch (const std::exception& e) {
      say(e.what(), true);
    }
  }
  // A loaded forecaster (one input, one output) also becomes the training run's model, so the
  // forecast and decay views show it and training can continue from it.
  void adopt_weights(const Model<float>& m, const std::string& path) {
    const int inputs = train_settings.task ? memory_task_inputs(train_settings.task->task) : 1;
    if (m.config.input_size != inputs || m.config.output_size != 1 || m.config.hidden_size > max_train_hidden ||
        m.config.num_layers > max_train_layers)
      return;
    TrainSettings next = train_settings;
    next.trainer.model = m.config;
    try {
      new_run(next);
    } catch (const std::exception&) {
      return;  // the current run stays; the stepping views still show the file
    }
    run.trainer.mutable_model().params = m.params;
    ++model_version;
    refresh_views();
    train_message = "the training run starts from " + path + " (optimizer state fresh; R resets to the seed's weights)";
  }
  void on(const cmd::LoadModel& c) {
    try {
      Model<float> m = load_model_weights(c.path);
      if (m.config.num_layers > max_app_layers || m.config.hidden_size > max_hidden)
        throw std::runtime_error(c.path + ": the app shows up to " + std::to_string(max_app_layers) +
                                 " layers of up to " + std::to_string(max_hidden) + " units; this model has " +
                                 std::to_string(m.config.num_layers) + " × " +
                                 std::to_string(m.config.hidden_size));
      SceneSettings next = settings;
      next.model = m.config;
      next.model_path = c.path;
      auto built = build_scene(next, next_scene_id, &m);
      ++next_scene_id;
      adopt_weights(m, c.path);
      file_model = std::move(m);
      settings = built->settings;
      scene = std::move(built);
      following = false;
      seek(0);
      say("loaded " + c.path + (train_message.empty() ? "" : "; " + train_message), false);
    } catch (const std::exception& e) {
      say(e.what(), true);
    }
  }
  void on(const cmd::Reseed& c) {
    following = false;
    SceneSettings next = settings;
    next.seed = c.seed;
    rebuild_seeded(next);
  }
  // The explorer's scene from seeded weights (no model file); an error keeps the scene, with a message.
  void rebuild_seeded(SceneSettings next) {
    next.model_path.clear();
    file_model.reset();
    try {
      rebuild(next);
    } catch (const std::exception& e) {
      say(e.what(), true);
    }
  }


  // ---- training ---------------------------------------------------------------------------------

  bool training() const { return run.state == TrainState::running; }

  void new_run(const TrainSettings& next) {
    if (std::string e = validate_train_settings(next); !e.empty()) throw std::runtime_error(e);
    auto data = make_train_dataset(next);
    run.start(std::move(data), next.trainer);  // throws std::invalid_argument naming the field
    train_settings = next;
    restart_records();
    window = std::clamp(window, 0, std::max(run.data->count(Split::validation) - 1, 0));
    rollout_from = horizon = 0;
  }
  // After a new run or a reset: empty curves, step 0.
  void restart_records() {
    run.clear();
    train_message.clear();
    steps_per_second = 0;
    wall_seconds = 0;
    ++model_version;
    refresh_views();
  }
  double wall_now() const {
    return wall_seconds + (training() ? std::chrono::duration<double>(Clock::now() - running_since).count() : 0.0);
  }
  // Leaves the running state, adding its time to wall_seconds.
  void leave_running(TrainState next) {
    if (training()) wall_seconds = wall_now();
    run.state = next;
  }

  void refresh_training_scene() {
    if (!following) return;
    std::ostringstream src;
    src << "training model, step " << run.trainer.step() << ", validation window " << window + 1 << " of "
        << run.data->count(Split::validation);
    SceneSettings st = settings;
    st.model = run.trainer.model().config;
    st.steps = run.data->steps();
    st.loss = run.data->loss();
    st.seed = train_settings.trainer.seed;
    st.model_path.clear();
    const Pass pass = pass_at(position, steps());
    const int t = t_at(position, steps());
    scene = build_training_scene(run.trainer.model(), *run.data, window, st, next_scene_id++, src.str());
    position = position_of(pass, std::clamp(t, pass == Pass::forward ? 0 : 1, steps()), steps());
    seek(position);
  }
  // Forecast, decay curves and the followed scene, from the current weights; sets when the next
  // refresh is due so that the views take at most a tenth of the training time.
  void refresh_views() {
    const auto start = Clock::now();
    run.refresh_forecast(rollout_from, horizon);
    run.refresh_decay();
    refresh_training_scene();
    const auto end = Clock::now();
    views_cost = std::chrono::duration<double>(end - start).count();
    views_due = end + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(std::max(0.25, 9.0 * views_cost)));
  }

  void stop_training(TrainState state) {
    leave_running(state);
    if (state == TrainState::diverged) {
      train_message = run.trainer.divergence().message;
    } else if (state == TrainState::finished || state == TrainState::early_stopped) {
      std::ostringstream m;
      m << (state == TrainState::finished ? "finished " : "stopped early after ") << run.trainer.epoch() << " epochs, "
        << run.trainer.step() << " steps; best validation MSE " << run.trainer.best_val_mse() << " at epoch "
        << run.trainer.best_epoch();
      if (state == TrainState::early_stopped) m << " (its weights are restored)";
      train_message = m.str();
    }
    refresh_views();
    say(train_message.empty() ? std::string("training paused") : train_message, state == TrainState::diverged);
  }

  // Runs one slice of training (about 10 ms); true when there is something new to publish.
  bool train_slice(Clock::time_point now) {
    if (!training()) return false;
    std::int64_t n = std::clamp<std::int64_t>(static_cast<std::int64_t>(0.010 / run.seconds_per_step), 1, 100000);
    if (max_steps_per_second > 0) {
      const double elapsed = std::chrono::duration<double>(now - throttle_start).count();
      const auto allowed = static_cast<std::int64_t>(elapsed * max_steps_per_second) - (run.trainer.step() - throttle_step);
      n = std::min(n, allowed);
      if (n <= 0) return false;
    }
    if (train_until > 0) n = std::min(n, train_until - run.trainer.step());  // an exact stop
    if (n > 0 && run.train(n) > 0) ++model_version;
    const auto end = Clock::now();
    const double rate_dt = std::chrono::duration<double>(end - rate_time).count();
    if (rate_dt >= 0.5) {
      steps_per_second = static_cast<double>(run.trainer.step() - rate_step) / rate_dt;
      rate_step = run.trainer.step();
      rate_time = end;
    }
    if (run.trainer.done()) {
      stop_training(run.end_state());
      return true;
    }
    if (train_until > 0 && run.trainer.step() >= train_until) {
      on(cmd::PauseTraining{});  // refreshes the views at exactly that step
      return true;
    }
    if (run.at_decay_keep() || end >= views_due) refresh_views();
    return true;
  }
  // When the worker should wake up next for training (throttled runs sleep between steps).
  Clock::time_point next_train_time(Clock::time_point now) const {
    if (compare_training() || lab.running()) return now;  // the compare set and the lab train at full speed
    if (!training()) return Clock::time_point::max();
    if (max_steps_per_second <= 0) return now;
    const double due = static_cast<double>(run.trainer.step() - throttle_step + 1) / max_steps_per_second;
    return throttle_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(due));
  }

  void start_throttle_clock() {
    throttle_start = rate_time = Clock::now();
    throttle_step = rate_step = run.trainer.step();
  }

  void on(const cmd::ConfigureTraining& c) {
    try {
      const bool was_running = training();
      new_run(c.settings);
      train_error.clear();
      if (following) refresh_training_scene();
      say("new training run: " + run.data->describe() + (was_running ? " (press T to train)" : ""), false);
      if (comparing()) on(cmd::StartCompare{compare_cells()});  // the set follows the settings
    } catch (const std::exception& e) {
      train_error = e.what();
      say(train_error, true);
    }
  }
  void on(const cmd::Train& c) {
    if (comparing()) return compare_train();
    if (c.until_step > 0 && c.until_step <= run.trainer.step()) {
      say("the run is already at step " + std::to_string(run.trainer.step()), false);
      return;
    }
    train_until = c.until_step;
    switch (run.state) {
      case TrainState::running: return;
      case TrainState::diverged:
        say("this run diverged at step " + std::to_string(run.trainer.divergence().step) +
                "; change the settings (a lower learning rate or clipping) or reset (R) first", true);
        return;
      case TrainState::finished:
      case TrainState::early_stopped:
        say("this run has ended (" + std::string(train_state_name(run.state)) +
                "); raise the epochs and apply, or reset (R) to run it again", true);
        return;
      default: break;
    }
    run.state = TrainState::running;
    running_since = Clock::now();
    if (!following) {
      following = true;
      refresh_training_scene();
    }
    start_throttle_clock();
    say("training", false);
  }
  void on(const cmd::PauseTraining&) {
    if (comparing()) return compare_pause();
    train_until = 0;
    if (!training()) return;
    leave_running(TrainState::paused);
    steps_per_second = 0;
    refresh_views();
    say("training paused at step " + std::to_string(run.trainer.step()), false);
  }
  void on(const cmd::ToggleTraining&) {
    if (comparing() ? compare_training() : training()) on(cmd::PauseTraining{});
    else on(cmd::Train{});
  }
  void on(const cmd::ResetTraining&) {
    if (comparing()) return compare_reset();
    train_until = 0;
    run.trainer.reset();
    restart_records();
    say("training reset to step 0 (seed " + std::to_string(train_settings.trainer.seed) + ")", false);
  }
  void on(const cmd::SetTrainSpeed& c) {
    const double v = c.max_steps_per_second;
    max_steps_per_second = std::isfinite(v) && v > 0 ? v : 0;
    start_throttle_clock();
  }
  void on(const cmd::SetForecast& c) {
    rollout_from = std::clamp(c.rollout_from, 0, run.series_length());
    horizon = std::clamp(c.horizon, 0, 4 * run.series_length());
    run.refresh_forecast(rollout_from, horizon);
    for (auto& r : compare) r->refresh_forecast(rollout_from, horizon);
  }
  void on(const cmd::SetWindow& c) {
    window = std::clamp(c.window, 0, std::max(run.data->count(Split::validation) - 1, 0));
    refresh_training_scene();
  }
  void on(const cmd::Follow& c) {
    if (c.on == following) return;
    following = c.on;
    if (following) {
      refresh_training_scene();
    } else {
      rebuild_seeded(settings);
    }
  }
  nlohmann::json run_result() {
    const TrainStatus status = run.state == TrainState::diverged        ? TrainStatus::diverged
                               : run.state == TrainState::early_stopped ? TrainStatus::early_stopped
                               : run.state == TrainState::finished      ? TrainStatus::finished
                                                                          : TrainStatus::running;
    nlohmann::json r = {{"status", train_status_name(status)},
                        {"epochs", run.trainer.epoch()},
                        {"steps", run.trainer.step()},
                        {"best_epoch", run.trainer.best_epoch()}};
    if (run.trainer.epoch() > 0 && std::isfinite(run.trainer.last_epoch().val_mse)) r["val_mse"] = run.trainer.last_epoch().val_mse;
    return r;
  }
  void on(const cmd::SaveModel& c) {
    try {
      // A memory task is not normalised: its model file has no "normalization" key (as the CLI's).
      nlohmann::json extra = io::training_metadata_json(run.series ? run.series->normalization() : Normalization{},
                                                        train_setting_entries(train_settings), run_result());
      if (!run.series) extra.erase("normalization");
      io::save_model(c.path, run.trainer.model(), std::move(extra));
      say("saved the model at step " + std::to_string(run.trainer.step()) + " to " + c.path, false);
    } catch (const std::exception& e) {
      say(std::string("could not save the model: ") + e.what(), true);
    }
  }
  void on(const cmd::ExportCurves& c) {
    try {
      io::write_file_atomic(c.path, curves_csv(run.recorder.steps.with_pending(), run.recorder.epochs.with_pending()));
      say("exported the training curves to " + c.path, false);
    } catch (const std::exception& e) {
      say(std::string("could not export the curves: ") + e.what(), true);
    }
  }
  void on(const cmd::ExportForecast& c) {
    try {
      io::write_file_atomic(c.path, run.task ? task_csv(*run.task) : forecast_csv(*run.forecast));
      say(std::string(run.task ? "exported the task's answers to " : "exported the forecast to ") + c.path, false);
    } catch (const std::exception& e) {
      say(std::string("could not export the forecast: ") + e.what(), true);
    }
  }

  // ---- gradient lab (session/lab.hpp) ----------------------------------------------------------------
  Lab lab;

  void on(const cmd::ConfigureLab& c) {
    try {
      lab.configure(c.settings);
      std::ostringstream m;
      m << "gradient lab: W_hh rescaled from ρ = " << lab.view()->decay.radius_before << " to ρ = "
        << lab.view()->decay.measured_rho;
      say(m.str(), false);
    } catch (const std::exception& e) {
      say(std::string("gradient lab: ") + e.what(), true);
    }
  }
  void on(const cmd::LabTrain&) { say(lab.train(), false); }
  void on(const cmd::LabPause&) { say(lab.pause(), false); }
  void on(const cmd::LabReset&) { say(lab.reset(), false); }
  // One slice of the lab's two runs (about 10 ms); true when there is something new to publish.
  bool lab_slice() {
    std::string note;
    bool error = false;
    const bool changed = lab.slice(0.010, note, error);
    if (!note.empty()) say(note, error);
    return changed;
  }

  // ---- session files (session_file.hpp) --------------------------------------------------------------
  std::shared_ptr<const SessionUi> restored_ui;  // the UI's part of the last session opened
  std::uint64_t restore_id = 0;

  SessionFile session_file(const SessionUi& ui) const {
    SessionFile f;
    f.ui = ui;
    f.explorer = {settings, position, speed};
    f.training = train_settings;
    SessionRun& r = f.run;
    r.state = run.state;
    r.message = train_message;
    r.model = run.trainer.model();
    r.trainer = run.trainer.state();
    r.steps = run.recorder.steps.points();
    if (const StepPoint* p = run.recorder.steps.pending()) r.steps_pending = *p;
    r.steps_stride = run.recorder.steps.stride();
    r.epochs = run.recorder.epochs.points();
    if (const EpochPoint* p = run.recorder.epochs.pending()) r.epochs_pending = *p;
    r.epochs_stride = run.recorder.epochs.stride();
    r.decay = run.decay;
    r.next_decay_keep = run.next_decay_keep;
    r.window = window;
    r.following = following;
    r.max_steps_per_second = max_steps_per_second;
    r.rollout_from = rollout_from;
    r.horizon = horizon;
    r.wall_seconds = wall_now();
    return f;
  }
  void on(const cmd::SaveSession& c) {
    try {
      if (c.autosave) {  // the state folder may not exist yet
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(c.path).parent_path(), ec);
        if (ec) throw io::IoError(c.path + ": cannot create its folder (" + ec.message() + ")");
      }
      save_session_file(c.path, session_file(c.ui));
      if (!c.autosave) say("saved the session (training at step " + std::to_string(run.trainer.step()) + ") to " + c.path, false);
    } catch (const std::exception& e) {
      say(std::string(c.autosave ? "could not autosave the session: " : "could not save the session: ") + e.what(), true);
    }
  }
  void on(const cmd::OpenSession& c) {
    try {
      open_session(c.path);
    } catch (const std::exception& e) {
      std::string why = std::string("could not open the session: ") + e.what() + "; the current session is kept";
      if (c.set_aside_bad) {
        const std::string moved = set_aside_session_file(c.path);
        why += moved.empty() ? "; could not move the file aside" : "; the file was moved to " + moved;
      }
      say(why, true);
    }
  }
  // Everything that can fail happens before the first change: reading and checking the file, building
  // the data set, restoring a trainer. Then the run, the explorer and the UI's part are replaced.
  void open_session(const std::string& path) {
    SessionFile f = load_session_file(path);
    std::shared_ptr<const Dataset> data;
    try {
      data = make_train_dataset(f.training);
    } catch (const std::exception& e) {
      throw io::FormatError(path + ": training.data: " + e.what());
    }
    Trainer trainer;
    try {
      trainer = Trainer(data, f.training.trainer);
      trainer.restore(f.run.trainer);
    } catch (const std::invalid_argument& e) {
      throw io::FormatError(path + ": run.trainer: " + e.what());
    }
    const SessionRun& r = f.run;
    compare.clear();  // compare runs are not saved; they were built on the old data
    if (training()) leave_running(TrainState::paused);
    run.adopt(std::move(data), std::move(trainer));
    (void)run.recorder.steps.restore(r.steps, r.steps_pending, r.steps_stride);  // checked when parsed
    (void)run.recorder.epochs.restore(r.epochs, r.epochs_pending, r.epochs_stride);
    run.decay = r.decay;
    run.decay_pub = std::make_shared<const DecayView>(run.decay);
    run.next_decay_keep = r.next_decay_keep;
    run.state = r.state;
    train_settings = f.training;
    train_error.clear();
    train_message = r.message;
    train_until = 0;
    steps_per_second = 0;
    wall_seconds = r.wall_seconds;
    max_steps_per_second = r.max_steps_per_second;
    window = std::clamp(r.window, 0, std::max(run.data->count(Split::validation) - 1, 0));
    rollout_from = std::clamp(r.rollout_from, 0, run.series_length());
    horizon = std::clamp(r.horizon, 0, 4 * run.series_length());
    run.refresh_forecast(rollout_from, horizon);
    ++model_version;

    // The explorer: a model file or CSV it named may have gone since; then its seeded weights and sine.
    std::string note;
    SceneSettings next = f.explorer.scene;
    file_model.reset();
    if (!next.model_path.empty()) {
      try {
        file_model = load_model_weights(next.model_path);
      } catch (const std::exception& e) {
        note = std::string("; the explorer's model file did not load (") + e.what() + "), it shows seeded weights";
        next.model_path.clear();
      }
    }
    try {
      rebuild(next);
    } catch (const std::exception& e) {
      note += std::string("; the explorer's signal did not load (") + e.what() + "), it shows the sine";
      next.signal = SignalKind::sine;
      rebuild_seeded(next);
    }
    speed = f.explorer.speed;
    playing = false;
    following = r.following;
    refresh_training_scene();
    seek(f.explorer.position);
    views_due = Clock::now();
    restored_ui = std::make_shared<const SessionUi>(f.ui);
    ++restore_id;
    say("opened the session " + path + ": training at step " + std::to_string(run.trainer.step()) + " (" +
            train_state_name(run.state) + ")" + note,
        !note.empty());
  }

  // ---- compare mode ---------------------------------------------------------------------------------
  // Runs that differ from the main run only in the cell: the same data set (shared), seed and settings.
  std::vector<std::unique_ptr<Run>> compare;  // empty: compare mode off
  Clock::time_point compare_views_due{};

  bool comparing() const { return !compare.empty(); }
  bool compare_training() const {
    return std::any_of(compare.begin(), compare.end(), [](const auto& r) { return r->running(); });
  }
  std::vector<CellKind> compare_cells() const {
    std::vector<CellKind> cells;
    for (const auto& r : compare) cells.push_back(r->trainer.config().model.cell);
    return cells;
  }
  std::string compare_names() const {
    std::string names;
    for (const auto& r : compare) names += (names.empty() ? "" : ", ") + std::string(cell_name(r->trainer.config().model.cell));
    return names;
  }
  // Forecasts and decay curves of every run, at most a tenth of the training time (as refresh_views).
  void refresh_compare_views() {
    const auto start = Clock::now();
    for (auto& r : compare) {
      r->refresh_forecast(rollout_from, horizon);
      r->refresh_decay();
    }
    const auto end = Clock::now();
    const double cost = std::chrono::duration<double>(end - start).count();
    compare_views_due = end + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(0.25, 9.0 * cost)));
  }
  void on(const cmd::StartCompare& c) {
    if (std::string e = validate_compare_cells(c.cells); !e.empty()) return say(e, true);
    std::vector<std::unique_ptr<Run>> runs;
    try {
      for (CellKind cell : c.cells) {
        TrainerConfig tc = train_settings.trainer;
        tc.model.cell = cell;
        auto r = std::make_unique<Run>();
        r->start(run.data, tc);
        runs.push_back(std::move(r));
      }
    } catch (const std::exception& e) {
      return say(std::string("compare: ") + e.what(), true);
    }
    if (training()) {  // one thing trains at a time: the main run waits
      leave_running(TrainState::paused);
      steps_per_second = 0;
    }
    compare = std::move(runs);
    refresh_compare_views();
    say("comparing " + compare_names() + " on " + run.data->describe() + " (press T to train them together)", false);
  }
  void on(const cmd::StopCompare&) {
    if (!comparing()) return;
    compare.clear();
    say("compare mode off", false);
  }
  void compare_train() {
    int started = 0;
    for (auto& r : compare)
      if (r->state == TrainState::idle || r->state == TrainState::paused) {
        r->state = TrainState::running;
        ++started;
      }
    if (started == 0) return say("every run of the comparison has ended; reset (R) to run them again", true);
    say("training " + compare_names() + " together", false);
  }
  void compare_pause() {
    if (!compare_training()) return;
    for (auto& r : compare)
      if (r->running()) r->state = TrainState::paused;
    refresh_compare_views();
    say("comparison paused at step " + std::to_string(compare.front()->trainer.step()), false);
  }
  void compare_reset() {
    for (auto& r : compare) {
      r->trainer.reset();
      r->clear();
    }
    refresh_compare_views();
    say("comparison reset to step 0 (seed " + std::to_string(train_settings.trainer.seed) + ")", false);
  }
  // One slice (about 10 ms in all): every running run trains the same number of steps, so the curves
  // stay aligned by step. A run that ends stops alone; the others go on.
  bool compare_slice() {
    if (!compare_training()) return false;
    double per = 0;
    for (const auto& r : compare)
      if (r->running()) per += r->seconds_per_step;
    const std::int64_t n = std::clamp<std::int64_t>(static_cast<std::int64_t>(0.010 / per), 1, 100000);
    bool refresh = false;
    for (auto& r : compare) {
      if (!r->running()) continue;
      r->train(n);
      if (r->trainer.done()) {
        r->state = r->end_state();
        refresh = true;
        say(std::string(cell_name(r->trainer.config().model.cell)) + ": " + train_state_name(r->state) + " at step " +
                std::to_string(r->trainer.step()),
            r->state == TrainState::diverged);
      }
      refresh |= r->at_decay_keep();
    }
    if (refresh || Clock::now() >= compare_views_due) refresh_compare_views();
    return true;
  }
  std::shared_ptr<const CompareView> compare_view() const {
    if (!comparing()) return nullptr;
    auto v = std::make_shared<CompareView>();
    v->data_description = run.data->describe();
    for (const auto& r : compare) {
      const Trainer& t = r->trainer;
      CompareRunView c;
      c.cell = t.config().model.cell;
      c.parameter_count = parameter_count(t.config().model);
      c.state = r->state;
      c.step = t.step();
      c.epoch = t.epoch();
      c.steps_per_epoch = t.steps_per_epoch();
      c.seconds = t.seconds();
      c.steps_per_second = t.seconds() > 0 ? static_cast<double>(t.step()) / t.seconds() : 0.0;
      c.last_val_mse = t.epoch() > 0 ? t.last_epoch().val_mse : std::nan("");
      if (r->state == TrainState::diverged) c.message = t.divergence().message;
      c.steps = std::make_shared<std::vector<StepPoint>>(r->recorder.steps.with_pending());
      c.epochs = std::make_shared<std::vector<EpochPoint>>(r->recorder.epochs.with_pending());
      c.forecast = r->forecast;
      c.task = r->task;
      c.decay = r->decay_pub;
      v->runs.push_back(std::move(c));
    }
    return v;
  }

  std::shared_ptr<const TrainView> train_view() const {
    auto v = std::make_shared<TrainView>();
    v->settings = train_settings;
    v->data_description = run.data->describe();
    v->error = train_error;
    v->state = run.state;
    v->step = run.trainer.step();
    v->epoch = run.trainer.epoch();
    v->steps_per_epoch = run.trainer.steps_per_epoch();
    v->batch = run.trainer.batch();
    v->seconds = run.trainer.seconds();
    v->wall_seconds = wall_now();
    v->lr = run.trainer.lr();
    v->steps_per_second = training() ? steps_per_second : 0;
    v->max_steps_per_second = max_steps_per_second;
    auto steps_pts = std::make_shared<std::vector<StepPoint>>(run.recorder.steps.with_pending());
    v->last_loss = steps_pts->empty() ? std::nan("") : steps_pts->back().loss;
    v->last_val_mse = run.trainer.epoch() > 0 ? run.trainer.last_epoch().val_mse : std::nan("");
    v->best_val_mse = run.trainer.best_epoch() > 0 ? run.trainer.best_val_mse() : std::nan("");
    v->best_epoch = run.trainer.best_epoch();
    v->message = train_message;
    v->divergence_step = run.state == TrainState::diverged ? run.trainer.divergence().step : 0;
    v->steps = std::move(steps_pts);
    v->epochs = std::make_shared<std::vector<EpochPoint>>(run.recorder.epochs.with_pending());
    v->step_stride = run.recorder.steps.stride();
    v->forecast = run.forecast;
    v->task = run.task;
    v->decay = run.decay_pub;
    v->window = window;
    v->windows = run.data->count(Split::validation);
    v->following = following;
    v->model_version = model_version;
    v->compare = compare_view();
    return v;
  }

  Clock::duration interval() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / speed));
  }

  // Advances the play clock; true when the cursor moved.
  bool tick(Clock::time_point now) {
    if (!playing || now < next_tick) return false;
    if (position >= last_position(steps())) {
      playing = false;
      return true;
    }
    ++position;
    next_tick += interval();
    if (next_tick < now) next_tick = now + interval();  // fell behind (e.g. a slow rebuild): no burst
    if (position >= last_position(steps())) playing = false;
    return true;
  }

  std::shared_ptr<const Snapshot> snapshot() {
    auto s = std::make_shared<Snapshot>();
    s->version = ++version;
    s->applied = applied;
    s->scene = scene;
    s->position = position;
    s->pass = pass_at(position, steps());
    s->t = t_at(position, steps());
    s->playing = playing;
    s->speed = speed;
    s->train = train_view();
    s->train_steps = s->train->step;
    s->lab = lab.view();
    s->message = message;
    s->message_is_error = message_is_error;
    s->message_id = message_id;
    s->restored_ui = restored_ui;
    s->restore_id = restore_id;
    return s;
  }
};

Session::Session(const SceneSettings& initial, const TrainSettings& training, bool background)
    : worker_(std::make_unique<Worker>()) {
  try {
    worker_->rebuild(initial);
  } catch (const std::exception& e) {  // e.g. an unreadable CSV: fall back to the default scene
    SceneSettings fallback;
    worker_->rebuild(fallback);
    worker_->say(e.what(), true);
  }
  try {
    worker_->new_run(training);
  } catch (const std::exception& e) {  // bad settings: the default run, and say why
    worker_->new_run(TrainSettings{});
    worker_->train_error = e.what();
    worker_->say(e.what(), true);
  }
  latest_ = worker_->snapshot();
  thread_ = std::thread([this, background] { run(background); });
}

Session::~Session() { shutdown(); }

std::uint64_t Session::send(Command command) {
  std::lock_guard lock(mutex_);
  if (stop_) return 0;
  const std::uint64_t seq = next_sequence_++;
  queue_.emplace_back(seq, std::move(command));
  wake_.notify_one();
  return seq;
}

std::shared_ptr<const Snapshot> Session::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool Session::wait_applied(std::uint64_t sequence, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return published_.wait_for(lock, timeout, [&] { return latest_->applied >= sequence || stop_; }) &&
         latest_->applied >= sequence;
}

void Session::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    wake_.notify_all();
    published_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool Session::running() const {
  std::lock_guard lock(mutex_);
  return !stop_;
}

void Session::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  latest_ = std::move(snapshot);
  published_.notify_all();
}

void Session::run(bool background) {
  // Linux gives each thread its own nice value; raising it needs no privileges. Failure only means
  // the worker competes with the UI on equal terms.
  if (background) (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  Worker& w = *worker_;
  std::deque<std::pair<std::uint64_t, Command>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stop_ || !queue_.empty(); };
      const auto now = Clock::now();
      const auto train_at = w.next_train_time(now);
      const auto until = std::min(w.playing ? w.next_tick : Clock::time_point::max(), train_at);
      if (until == Clock::time_point::max()) wake_.wait(lock, ready);
      else if (until > now) wake_.wait_until(lock, until, ready);
      if (stop_) return;
      batch.swap(queue_);
    }
    bool changed = false;
    for (auto& [seq, command] : batch) {
      w.apply(command);  // may rebuild a scene: done outside the lock
      w.applied = seq;
      changed = true;
    }
    batch.clear();
    changed |= w.tick(Clock::now());
    // While training, publish at most every 33 ms: the UI draws at 60 fps and copies nothing.
    const auto now = Clock::now();
    const bool trained_main = w.train_slice(now);
    const bool trained_lab = w.lab_slice();
    const bool trained = w.compare_slice() || trained_main || trained_lab;
    if (changed || (trained && (now >= w.publish_due || !(w.training() || w.compare_training() || w.lab.running())))) {
      publish(w.snapshot());
      w.publish_due = now + std::chrono::milliseconds(33);
    }
  }
}

}  // namespace unrolled::app
