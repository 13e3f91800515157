#include "app/session/session.hpp"

#include <algorithm>
#include <exception>
#include <type_traits>

#include "app/session/scene.hpp"

namespace unrolled::app {

using Clock = std::chrono::steady_clock;

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
      file_model = std::move(m);
      settings = built->settings;
      scene = std::move(built);
      seek(0);
      say("loaded " + c.path, false);
    } catch (const std::exception& e) {
      say(e.what(), true);
    }
  }
  void on(const cmd::Reseed& c) {
    SceneSettings next = settings;
    next.seed = c.seed;
    next.model_path.clear();
    file_model.reset();
    try {
      rebuild(next);
    } catch (const std::exception& e) {
      say(e.what(), true);
    }
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
    s->message = message;
    s->message_is_error = message_is_error;
    s->message_id = message_id;
    return s;
  }
};

Session::Session(const SceneSettings& initial) : worker_(std::make_unique<Worker>()) {
  try {
    worker_->rebuild(initial);
  } catch (const std::exception& e) {  // e.g. an unreadable CSV: fall back to the default scene
    SceneSettings fallback;
    worker_->rebuild(fallback);
    worker_->say(e.what(), true);
  }
  latest_ = worker_->snapshot();
  thread_ = std::thread([this] { run(); });
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

void Session::run() {
  Worker& w = *worker_;
  std::deque<std::pair<std::uint64_t, Command>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stop_ || !queue_.empty(); };
      if (w.playing) wake_.wait_until(lock, w.next_tick, ready);
      else wake_.wait(lock, ready);
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
    if (changed) publish(w.snapshot());
  }
}

}  // namespace unrolled::app
