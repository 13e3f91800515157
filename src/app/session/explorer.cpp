#include "app/session/explorer.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "app/session/scene.hpp"

namespace unrolled::app {

void Explorer::on(const cmd::Play&) {
  if (position_ >= last_position(steps())) position_ = 0;  // play again from the start
  playing_ = true;
  next_tick_ = Clock::now() + interval();
}

void Explorer::on(const cmd::TogglePlay&) {
  if (playing_) on(cmd::Pause{});
  else on(cmd::Play{});
}

void Explorer::on(const cmd::SetSpeed& c) {
  speed_ = std::clamp(c.steps_per_second == c.steps_per_second ? c.steps_per_second : 4.0, min_speed, max_speed);
}

void Explorer::on(const cmd::Configure& c) {
  SceneSettings next = c.settings;
  // The model file's weights only fit its own architecture; changing it means fresh weights.
  if (file_model_ && (next.model.cell != file_model_->config.cell ||
                      next.model.hidden_size != file_model_->config.hidden_size ||
                      next.model.num_layers != file_model_->config.num_layers))
    next.model_path.clear();
  if (next.model_path.empty()) file_model_.reset();
  try {
    rebuild(next);
  } catch (const std::exception& e) {
    status_.say(e.what(), true);
  }
}

void Explorer::on(const cmd::Reseed& c) {
  SceneSettings next = settings_;
  next.seed = c.seed;
  rebuild_seeded(next);
}

Explorer::Loaded Explorer::load(const std::string& path) {
  nlohmann::json extra;
  TokenVocab vocab;
  Model<float> m = load_model_weights(path, &extra, &vocab);
  if (m.config.num_layers > max_app_layers || m.config.hidden_size > max_hidden)
    throw std::runtime_error(path + ": the app shows up to " + std::to_string(max_app_layers) + " layers of up to " +
                             std::to_string(max_hidden) + " units; this model has " +
                             std::to_string(m.config.num_layers) + " × " + std::to_string(m.config.hidden_size));
  SceneSettings next = settings_;
  next.model = m.config;
  next.model_path = path;
  next.text.clear();  // a new model reads its own default text
  next.target_class = -1;
  auto built = build_scene(next, next_scene_id_, &m, &vocab);
  ++next_scene_id_;
  return {std::move(m), std::move(vocab), std::move(built), std::move(extra)};
}

void Explorer::show_loaded(Loaded loaded) {
  file_model_ = std::move(loaded.model);
  file_vocab_ = std::move(loaded.vocab);
  settings_ = loaded.scene->settings;
  scene_ = std::move(loaded.scene);
  seek(0);
}

void Explorer::show_model(const Model<float>& model, TokenVocab vocab, const std::string& source) {
  SceneSettings next = settings_;
  next.model = model.config;
  next.model_path = source;
  next.text.clear();
  next.target_class = -1;
  auto built = build_token_scene(next, next_scene_id_, model, vocab, source);
  ++next_scene_id_;
  show_loaded({model, std::move(vocab), std::move(built), {}});
}

void Explorer::rebuild(SceneSettings next) {
  const std::string clamped = clamp_settings(next);
  const bool use_file = !next.model_path.empty() && file_model_;
  auto built = build_scene(next, next_scene_id_, use_file ? &*file_model_ : nullptr, use_file ? &file_vocab_ : nullptr);
  ++next_scene_id_;
  settings_ = built->settings;
  show(std::move(built));
  if (!clamped.empty()) status_.say(clamped, true);
}

void Explorer::rebuild_seeded(SceneSettings next) {
  next.model_path.clear();
  file_model_.reset();
  try {
    rebuild(next);
  } catch (const std::exception& e) {
    status_.say(e.what(), true);
  }
}

void Explorer::show(std::shared_ptr<const Scene> scene) {
  // Keep the cursor at the same pass and t when it still fits.
  const Pass pass = pass_at(position_, scene_ ? scene_->steps : 0);
  const int t = scene_ ? t_at(position_, scene_->steps) : 0;
  scene_ = std::move(scene);
  position_ = position_of(pass, std::clamp(t, pass == Pass::forward ? 0 : 1, steps()), steps());
  seek(position_);
}

Clock::duration Explorer::interval() const {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / speed_));
}

bool Explorer::tick(Clock::time_point now) {
  if (!playing_ || now < next_tick_) return false;
  if (position_ >= last_position(steps())) {
    playing_ = false;
    return true;
  }
  ++position_;
  next_tick_ += interval();
  if (next_tick_ < now) next_tick_ = now + interval();  // fell behind (e.g. a slow rebuild): no burst
  if (position_ >= last_position(steps())) playing_ = false;
  return true;
}

void Explorer::fill(Snapshot& s) const {
  s.scene = scene_;
  s.position = position_;
  s.pass = pass_at(position_, steps());
  s.t = t_at(position_, steps());
  s.playing = playing_;
  s.speed = speed_;
}

std::string Explorer::restore(const SessionExplorer& e) {
  std::string note;
  SceneSettings next = e.scene;
  file_model_.reset();
  if (!next.model_path.empty()) {
    try {
      file_model_ = load_model_weights(next.model_path, nullptr, &file_vocab_);
    } catch (const std::exception& ex) {
      note = std::string("; the explorer's model file did not load (") + ex.what() + "), it shows seeded weights";
      next.model_path.clear();
    }
  }
  try {
    rebuild(next);
  } catch (const std::exception& ex) {
    note += std::string("; the explorer's signal did not load (") + ex.what() + "), it shows the sine";
    next.signal = SignalKind::sine;
    rebuild_seeded(next);
  }
  speed_ = e.speed;
  playing_ = false;
  return note;
}

}  // namespace unrolled::app
