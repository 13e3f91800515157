// What the UI thread sees: an immutable Snapshot, published by the session's worker thread and read
// once per frame through std::shared_ptr<const Snapshot> (DESIGN §2). Panels draw only from it.
//
// Size key: I inputs, O outputs, H hidden units, L layers, G gates, T steps (t = 1…T; 0 is h_0).
// A Scene is the heavy, per-configuration part (one forward pass and one BPTT, computed once); the
// Snapshot adds the light cursor (pass, t, playing). Stepping publishes new Snapshots that share the
// same Scene, so a step costs a few bytes, not a copy of the trace.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace unrolled::app {

struct TrainView;  // session/training.hpp
struct SessionUi;  // session/session_file.hpp
struct LabView;    // session/lab.hpp
struct TextView;   // session/text.hpp
struct Seq2seqView;  // session/seq2seq.hpp

enum class SignalKind { sine, square, noise, step, csv };
enum class Pass { forward, backward };

const char* signal_name(SignalKind kind);  // "sine", "square", "noise", "step", "csv"

// Limits the controls and the session enforce (values outside are clamped, with a message).
inline constexpr int min_hidden = 1, max_hidden = 256;
inline constexpr int min_layers = 1, max_app_layers = 3;
inline constexpr int min_steps = 2, max_steps = 256;
inline constexpr double min_weight_scale = 0.05, max_weight_scale = 8.0;
inline constexpr double min_speed = 0.25, max_speed = 60.0;  // steps per second
inline constexpr double min_lab_rho = 0.1, max_lab_rho = 3.0;  // the gradient lab's spectral radius ρ

// What the learner chose. The session turns it into a Scene.
struct SceneSettings {
  ModelConfig model;                  // cell, H, L (I = O = 1 unless a model file says otherwise)
  SignalKind signal = SignalKind::sine;
  std::string csv_path;               // used when signal == csv
  int steps = 24;                     // T
  double weight_scale = 1.0;          // multiplies PyTorch's default init
  std::uint64_t seed = 1;
  LossMode loss = LossMode::all;      // every step predicts the next value (see docs/app.md)
  std::string model_path;             // non-empty: weights come from this model file
  // Token models (a character model or a classifier): the text the model reads; "" = the default
  // (a sample the model writes itself, or a generated negation sentence). Tokens as the model's own.
  std::string text;
  int target_class = -1;              // a classifier's target for the loss; −1 = the default (see token_scene.hpp)
};

// Row-major rows × cols floats. Time runs along columns everywhere in the app.
struct Grid {
  int rows = 0, cols = 0;
  std::vector<float> v;
  Grid() = default;
  Grid(int r, int c, float fill = 0.0f) : rows(r), cols(c), v(static_cast<std::size_t>(r) * c, fill) {}
  float& at(int r, int c) { return v[static_cast<std::size_t>(r) * cols + c]; }
  float at(int r, int c) const { return v[static_cast<std::size_t>(r) * cols + c]; }
  const float* row(int r) const { return v.data() + static_cast<std::size_t>(r) * cols; }
  bool empty() const { return v.empty(); }
};

// One layer over every step.
struct LayerView {
  Grid h;                        // [H × (T+1)]  h_0 … h_T
  Grid c;                        // [H × (T+1)]  c_0 … c_T (LSTM, else empty)
  std::vector<Grid> gates;       // G × [H × T]  activations at t = 1…T (column t−1); RNN: h itself
  std::vector<Grid> preacts;     // G × [H × T]  what went into each gate's σ/tanh (for the equations)
  Grid grad_h;                   // [H × T]  total dL/dh_t, t = 1…T (column t−1)
  Grid grad_h_local;             // [H × T]  the part from this step: the head (top layer) or the layer above
  Grid grad_c;                   // [H × T]  dL/dc_t along the highway (LSTM, else empty)
  std::vector<float> h_norm;     // [T+1]  ‖h_t‖
  std::vector<float> c_norm;     // [T+1]  ‖c_t‖ (LSTM)
  std::vector<float> grad_norm;  // [T]    ‖dL/dh_t‖
  std::vector<float> grad_c_norm;  // [T]  ‖dL/dc_t‖ (LSTM)
};

// What a token model's scene reads and predicts (version-2 model files with a vocabulary).
struct TokenScene {
  std::vector<std::string> vocab;    // V: what each id shows as (a character or a word)
  std::vector<std::string> classes;  // O: what each output means (a character model: its vocabulary)
  bool words = false;                // tokens are words (joined by spaces when shown as text)
  bool classify = false;             // many-to-one: one class for the sequence (loss `last`)
  std::vector<int> ids;              // [T] the token read at t = 1…T
  std::vector<int> targets;          // character model: [T] the next id; classifier: [1] the target class
  Grid probs;                        // [O × T] softmax(y_t): the next-token guess, or the class after t tokens
  std::vector<float> final_probs;    // classifier: [O] softmax of what the loss reads (y_T, or head([h→_T ; h←_1]))
  std::vector<float> step_loss;      // character model: [T] −log p(next token); classifier: [1]
  bool default_text = true;          // the text was the default one, not the learner's
  std::string note;                  // what the scene changed in the text (unknown words, length), or ""
};

// One configuration, fully computed: the forward trace and BPTT of one sequence (batch of one).
struct Scene {
  std::uint64_t id = 0;          // new id for every rebuilt scene
  SceneSettings settings;        // as applied (after clamping)
  ModelConfig config;            // the model's real sizes (a model file may bring I, O > 1)
  std::string source;            // "seeded init (seed 1, scale 1)", the model file's name, or the training run
  bool follows_training = false; // the training run's model on one of its validation windows
  long long parameter_count = 0;
  int steps = 0;                 // T
  Grid input;                    // [I × T]  x_1 … x_T
  Grid target;                   // [O × T]  the next value of the signal
  Grid output;                   // [O × T]  y_t
  std::vector<float> step_loss;  // [T]  mean over outputs of (y_t − target_t)²
  double loss = 0.0;             // the MSE of settings.loss (all: mean over t; last: y_T only)
  std::vector<LayerView> layers;
  // Bidirectional: the ← direction of each layer in its own order, r = 1…T reading x_{T+1−r}: column r of
  // h and c is h←_{T+1−r} (column 0 its zero start), gates and grads column r − 1. Empty otherwise.
  std::vector<LayerView> reverse;
  std::shared_ptr<const TokenScene> tokens;  // token models only, else null
  std::vector<std::string> gate_names;  // LSTM i f g o, GRU r z n, RNN h
  float h_absmax = 1, c_absmax = 1, grad_absmax = 1, input_absmax = 1;
};

struct Snapshot {
  std::uint64_t version = 0;   // strictly increasing, one per publish
  std::uint64_t applied = 0;   // sequence number of the last command applied
  std::shared_ptr<const Scene> scene;  // never null
  // Cursor. position runs 0…2T over the whole story: 0…T is the forward pass at t = position,
  // T+1…2T is the backward pass at t = 2T+1−position (t = T down to 1).
  int position = 0;
  Pass pass = Pass::forward;
  int t = 0;
  bool playing = false;
  double speed = 4.0;          // steps per second
  long long train_steps = 0;   // the training run's step (== train->step)
  std::shared_ptr<const TrainView> train;  // the training run (never null)
  std::shared_ptr<const LabView> lab;      // the gradient lab (never null)
  std::shared_ptr<const TextView> text;    // the Text workspace's character model (never null; idle until built)
  std::shared_ptr<const Seq2seqView> seq2seq;  // the Seq2seq workspace's model (never null; idle until built)
  std::string message;         // last status or error, shown in the UI
  bool message_is_error = false;
  std::uint64_t message_id = 0;  // changes when a new message arrives
  // The UI's part of the last session file opened (cmd::OpenSession); restore_id changes with each.
  std::shared_ptr<const SessionUi> restored_ui;
  std::uint64_t restore_id = 0;
};

// Cursor arithmetic, shared by the session and the UI.
inline int last_position(int steps) { return 2 * steps; }
inline Pass pass_at(int position, int steps) { return position <= steps ? Pass::forward : Pass::backward; }
inline int t_at(int position, int steps) { return position <= steps ? position : 2 * steps + 1 - position; }
inline int position_of(Pass pass, int t, int steps) { return pass == Pass::forward ? t : 2 * steps + 1 - t; }

}  // namespace unrolled::app
