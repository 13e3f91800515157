// The explorer job (Step workspace): the scene the stepping views draw and its cursor, the play
// clock, and the scene's settings (seeded weights or a model file's). While the training run is
// followed, the training job shows its own scenes here (show()); the cursor keeps its pass and t.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "app/session/command.hpp"
#include "app/session/job.hpp"
#include "app/session/session_file.hpp"
#include "app/session/snapshot.hpp"
#include "app/session/token_scene.hpp"
#include <nlohmann/json.hpp>

#include "core/model.hpp"

namespace unrolled::app {

class Explorer {
 public:
  explicit Explorer(Status& status) : status_(status) {}

  void on(const cmd::Play&);
  void on(const cmd::Pause&) { playing_ = false; }
  void on(const cmd::TogglePlay&);
  void on(const cmd::StepForward&) { seek(position_ + 1); }
  void on(const cmd::StepBack&) { seek(position_ - 1); }
  void on(const cmd::GoStart&) { seek(pass_start()); }
  void on(const cmd::GoEnd&) { seek(pass_end()); }
  void on(const cmd::Seek& c) { seek(c.position); }
  void on(const cmd::SetPass& c) { seek(c.pass == Pass::forward ? 0 : steps() + 1); }
  void on(const cmd::SetSpeed& c);
  void on(const cmd::Configure& c);
  void on(const cmd::Reseed& c);

  // cmd::LoadModel in two halves, so the training run can adopt the weights in between: load()
  // reads the file and builds its scene (throws std::runtime_error, nothing changes); show_loaded()
  // makes it the explorer's, the cursor at 0.
  struct Loaded {
    Model<float> model;
    TokenVocab vocab;  // a token model's ids (empty otherwise)
    std::shared_ptr<const Scene> scene;
    nlohmann::json extra;  // the file's other keys: normalisation, training record
  };
  Loaded load(const std::string& path);
  void show_loaded(Loaded loaded);
  // A token model from elsewhere (the Text workspace's), its scene built at once; `source` labels it.
  // Throws std::runtime_error (nothing changes) when the scene cannot be built.
  void show_model(const Model<float>& model, TokenVocab vocab, const std::string& source);

  // Builds the scene of `next` (clamped, with a message when it was); throws on data errors and keeps
  // the scene then.
  void rebuild(SceneSettings next);
  // The scene from seeded weights (no model file); an error keeps the scene, with a message.
  void rebuild_seeded(SceneSettings next);
  // Shows a scene built elsewhere (the followed training run), keeping the cursor's pass and t.
  void show(std::shared_ptr<const Scene> scene);
  std::uint64_t take_scene_id() { return next_scene_id_++; }

  void seek(int p) { position_ = std::clamp(p, 0, last_position(steps())); }
  // Advances the play clock; true when the cursor moved.
  bool tick(Clock::time_point now);
  // When the play clock wants the worker next (max: not playing).
  Clock::time_point next_wake(Clock::time_point) const { return playing_ ? next_tick_ : Clock::time_point::max(); }

  const SceneSettings& settings() const { return settings_; }
  void fill(Snapshot& s) const;  // scene and cursor

  // Session files. restore() loads what the saved explorer named (a model file or CSV may have gone
  // since: then seeded weights and the sine) and returns a note on what could not be restored; the
  // caller seeks to the saved position once the followed scene, if any, is shown.
  void save(SessionExplorer& e) const { e = {settings_, position_, speed_}; }
  std::string restore(const SessionExplorer& e);

 private:
  int steps() const { return scene_->steps; }
  int pass_start() const { return pass_at(position_, steps()) == Pass::forward ? 0 : steps() + 1; }
  int pass_end() const { return pass_at(position_, steps()) == Pass::forward ? steps() : last_position(steps()); }
  Clock::duration interval() const;

  Status& status_;
  SceneSettings settings_;
  std::optional<Model<float>> file_model_;  // weights from a model file, while the settings use them
  TokenVocab file_vocab_;                    // what file_model_'s ids mean (token models)
  std::shared_ptr<const Scene> scene_;
  std::uint64_t next_scene_id_ = 1;
  int position_ = 0;
  bool playing_ = false;
  double speed_ = 4.0;
  Clock::time_point next_tick_{};
};

}  // namespace unrolled::app
