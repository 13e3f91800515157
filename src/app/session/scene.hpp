// Building a Scene: the input signal, the model (seeded init or a model file), one forward pass and
// one BPTT through the core, flattened into the grids the panels draw. Pure functions, no threads.
#pragma once
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/session/snapshot.hpp"
#include "core/dataset.hpp"
#include "core/model.hpp"

namespace unrolled::app {

// Clamps every field into the app's limits. Returns a message naming what was changed, or "".
std::string clamp_settings(SceneSettings& settings);

// n samples of a synthetic signal (not csv). The sine has a period of 12 steps.
std::vector<double> make_signal(SignalKind kind, int n, std::uint64_t seed);

// The series column of a CSV file by the one column rule (io::select_column: the only column, else the
// one named "value"). Throws std::runtime_error naming the file, line and column of a bad cell, or the
// columns to choose from.
std::vector<double> read_csv_column(const std::string& path);

struct TokenVocab;  // session/token_scene.hpp

// Weights from a model file; `extra`, when given, gets the file's other keys (normalisation, training
// record), and `vocab` what a token model's ids mean. Throws std::runtime_error with the loader's message.
Model<float> load_model_weights(const std::string& path, nlohmann::json* extra = nullptr, TokenVocab* vocab = nullptr);

// The whole scene. `model` given: use its weights (settings.model is ignored); else seeded init.
// A token model (vocab_size > 0) reads text instead of the signal (build_token_scene, with `vocab`).
// Throws std::runtime_error on data errors (bad CSV, a text the model cannot read); the caller keeps
// the previous scene.
std::shared_ptr<const Scene> build_scene(const SceneSettings& settings, std::uint64_t id,
                                         const Model<float>* model = nullptr, const TokenVocab* vocab = nullptr);

// The layer views of a forward trace of batch one (both directions when bidirectional) with one BPTT of
// the loss whose gradient is dy (and dy_final, a bidirectional model's `last`): layers, reverse,
// gate names, the absolute maxima, config, parameter count and T. The rest of the scene is the caller's.
void fill_layer_views(Scene& s, const Model<float>& m, const Trace<float>& tr, const Mat<float>& dy,
                      const Mat<float>* dy_final);

// The stepping views of a training run: `model` over validation window `window` of `data` (clamped),
// with the run's loss. A series shows the next sample as every step's target; a memory task scored on
// the last step has targets at t = T only (NaN before). settings and source only label the scene.
std::shared_ptr<const Scene> build_training_scene(const Model<float>& model, const Dataset& data, int window,
                                                  const SceneSettings& settings, std::uint64_t id,
                                                  std::string source);

}  // namespace unrolled::app
