// The Text workspace's run (issue 15): a character model (RNN, LSTM or GRU with an embedding, exact to
// PyTorch: core/text_trainer.hpp) trained live on a corpus, its bits per character on the training
// batches and on validation text, a ladder of samples written as it learns, and the reading view's
// trace: a validation passage read from a zero state, every unit's h (and c) after each character and
// the model's five best guesses for the character after it. Worker-owned (GL-free, ImGui-free); the
// panels see it through Snapshot::text.
//
// Size key: V vocabulary, E embedding width, H hidden units, L layers, T window, B batch, N characters
// of the reading passage.
#pragma once
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/model.hpp"
#include "core/text_trainer.hpp"

namespace unrolled::app {

// What the Text panel edits. Checked by validate_text_settings; the session refuses anything else.
struct TextSettings {
  std::string data = "structured";  // "structured" (generated), "english" (a text on every Debian system) or a path
  int chars = 100000;               // the generated corpus' size
  std::uint64_t data_seed = 1;      // the generated corpus' seed
  CellKind cell = CellKind::lstm;
  int hidden = 128;                 // H
  int layers = 1;                   // L
  int embed = 32;                   // E
  int seq = 64;                     // T
  int batch = 32;                   // B
  double lr = 3e-3;                 // Adam
  double clip = 1.0;                // global-norm clipping; 0 = none
  std::uint64_t seed = 1;           // weights, windows
  int max_steps = 3000;             // the run ends there
  int sample_every = 100;           // a sample for the ladder every this many steps
  bool operator==(const TextSettings&) const = default;
};

inline constexpr int max_text_hidden = 512, max_text_layers = 3, max_text_embed = 256, max_text_seq = 256;
inline constexpr int max_text_steps = 200000;
inline constexpr int reading_chars = 480;  // N

// Empty when usable; otherwise one sentence naming the field, its value and the allowed range.
std::string validate_text_settings(const TextSettings& settings);

// How the ladder's samples are drawn (core/sampling.hpp).
struct TextSampling {
  double temperature = 1.0;  // > 0
  int top_k = 0;             // 0: every character
  std::string prime;         // UTF-8; empty: a newline (or the first character)
  std::uint64_t seed = 1;
  int length = 160;
  bool operator==(const TextSampling&) const = default;
};
std::string validate_text_sampling(const TextSampling& sampling, const std::vector<char32_t>& vocab);

struct TextSample {
  std::int64_t step = 0;
  TextSampling how;
  std::string text;  // UTF-8, the prime not included
};

// The reading view: a validation passage read from a zero state by the model of `step`.
struct TextReading {
  std::int64_t step = 0;
  std::u32string chars;          // [N]
  bool lstm = false;
  std::vector<Grid> h, c;        // per layer [H × N]: the state after reading character i (column i); c: LSTM
  std::vector<std::vector<Grid>> gates;  // per layer, per gate [H × N]: LSTM i f g o, GRU r z n, RNN h
  std::vector<std::array<int, 5>> guess;    // [N] the five likeliest next characters after i (vocab ids)
  std::vector<std::array<float, 5>> guess_p;  // [N] their probabilities
  std::vector<float> next_p;     // [N − 1] the probability given to the character that really came next
  double bpc = 0;                // mean −log₂ p over the passage
};

// The connectivity view: for the reading passage's character at `position`, the output
//   out = y_t[next]  (the logit of the character that really came next; ‖y_t‖ at the passage's end)
// differentiated by the exact backward pass (core/text_analysis.hpp connectivity()) with respect to
// every input x_k (the embedded row of character k), for each of the three cells trained on the same
// text with the same settings: the workspace's model and its two companions. A unidirectional model
// gives exactly 0 for k > position, so only the characters up to it are traced.
struct TextConnectivityRow {
  CellKind cell = CellKind::lstm;
  bool main = false;              // the workspace's own model (else a companion)
  std::int64_t step = 0;          // the steps its weights have trained
  TrainState state = TrainState::paused;
  float value = 0;                // out
  std::vector<float> norm;        // [N] ‖∂out/∂x_k‖₂ (0 after the position)
  float max_norm = 0;
  double val_bpc = NAN;           // its latest validation bits per character
};
struct TextConnectivity {
  int position = 0;               // 0-based, in the reading passage
  int next = -1;                  // the vocabulary id whose logit is `out`; -1: ‖y_t‖
  std::vector<TextConnectivityRow> rows;  // rnn, lstm, gru
};

struct TextView {
  TextSettings settings;             // as applied
  std::uint64_t version = 0;         // changes with every configure or reset
  TrainState state = TrainState::idle;  // idle (not built), paused, running, finished, diverged
  std::int64_t step = 0;
  double seconds = 0, steps_per_second = 0;  // time inside training slices; the last slice's rate
  double wall_seconds = 0;           // wall-clock time while training (from T to a pause or the end)
  std::string source;                // "structured text, 100000 characters (seed 1)" or the file's path
  std::vector<char32_t> vocab;       // V code points, ascending
  long long parameters = 0;
  double unigram_bpc = 0;            // the validation text's own character entropy: the no-context baseline
  std::vector<float> train_bpc;      // [step] the mini-batch's cross-entropy in bits per character
  std::vector<std::int64_t> val_step;
  std::vector<float> val_bpc;        // bits per character on (up to 20000 characters of) the validation text
  std::vector<TextSample> samples;   // the ladder, oldest first
  TextSampling sampling;
  std::shared_ptr<const TextReading> reading;
  bool companions = false;           // the other two cells train too (for the connectivity rows)
  std::int64_t until_step = 0;       // a lesson's goal: everything pauses there (0: settings.max_steps)
  std::shared_ptr<const TextConnectivity> connectivity;
  std::string message;               // why it stopped (a divergence), else empty
  bool running() const { return state == TrainState::running; }
};

// Text for the UI: a code point as it should be drawn in the reading view and the guesses ("⏎" for a
// newline, "␣" for a space, "⇥" for a tab, "·" for other control characters).
std::string visible_char(char32_t c);

// The run, owned by the session's worker thread.
class TextRun {
 public:
  TextRun() = default;
  // Validates, reads or generates the corpus and builds the model at step 0 (paused), with a first
  // sample (the untrained gibberish) and a reading. Throws std::runtime_error naming the bad value or
  // the file (io errors say what and where); nothing changes then.
  void configure(const TextSettings& settings);
  bool built() const { return trainer_ != nullptr; }
  std::string train();   // start or resume (after the end: from step 0 again)
  std::string pause();
  std::string reset();   // step 0 with the seed's weights again
  // New sampling settings: validated (a prime character outside the vocabulary is named), and a
  // sample drawn now with them, added to the ladder.
  std::string sample(const TextSampling& sampling);
  bool running() const { return state_ == TrainState::running; }
  // The current model and its vocabulary (null before it is built), for the Step workspace.
  const Model<float>* model() const { return trainer_ ? &trainer_->model() : nullptr; }
  const std::vector<char32_t>& vocab() const { return vocab_; }
  std::int64_t steps() const { return trainer_ ? trainer_->steps() : 0; }

  // About `budget` seconds of training (at least one step). Returns true when something changed;
  // `note` gets a message when the run ended (error: a divergence, the last good weights kept).
  bool slice(double budget_seconds, std::string& note, bool& note_is_error);
  std::shared_ptr<const TextView> view();  // rebuilt only after a change

  // Connectivity (TextConnectivity): the position (clamped to the passage) and the companions.
  // Turning them on builds nothing new (they exist from configure on, at step 0) but lets them train
  // whenever they are behind their goal, also while the workspace's model is paused.
  std::string connect(int position);
  std::string companions(bool on);
  bool companions_on() const { return companions_on_; }
  // Something to train: the model runs, or a companion is on and below its goal.
  bool active() const;
  // A lesson's goal (TextTrain::until_step): the model and its companions pause there; 0: none.
  void set_until(std::int64_t until_step) { until_ = until_step; }
  // The weights, for session files: the model's and each companion's parameters with Adam's state
  // (so training continues exactly). restore() puts them back into a run configured with the same
  // settings, paused, and evaluates again (std::runtime_error on a cell or size mismatch, naming it).
  struct Weights {
    CellKind cell = CellKind::lstm;
    Buffer<float> params;
    OptimizerState<float> optimizer;
  };
  std::vector<Weights> weights() const;
  void restore(const std::vector<Weights>& weights);

 private:
  struct Companion {
    std::unique_ptr<CharLmTrainer<float>> trainer;
    Buffer<float> last_good;
    bool diverged = false;
    double val_bpc = NAN;
  };
  std::int64_t goal() const;        // until_ or the settings' max_steps
  bool step_main(std::string& note, bool& note_is_error);   // one step; false: it stopped
  void step_companion(Companion& c);
  void compute_connectivity();
  std::unique_ptr<CharLmTrainer<float>> make_trainer(CellKind cell) const;
  void restart();
  void evaluate();            // validation bpc and the reading, at the current step
  void add_sample();          // a ladder sample with the current sampling settings
  std::vector<int> prime_ids(const TextSampling& s) const;

  TextSettings settings_;
  TextSampling sampling_;
  std::vector<char32_t> vocab_;
  std::vector<int> train_ids_, val_ids_, reading_ids_;
  std::unique_ptr<CharLmTrainer<float>> trainer_;
  Buffer<float> last_good_;
  TrainState state_ = TrainState::idle;
  std::string source_, message_;
  double unigram_bpc_ = 0, seconds_ = 0, steps_per_second_ = 0;
  double wall_before_ = 0;                          // wall seconds of the earlier stretches of training
  std::chrono::steady_clock::time_point started_;   // when this stretch of training began
  double wall_seconds() const;
  std::vector<float> train_bpc_;
  std::vector<std::int64_t> val_step_;
  std::vector<float> val_bpc_;
  std::vector<TextSample> samples_;
  std::shared_ptr<const TextReading> reading_;
  std::vector<Companion> others_;   // the two cells the settings do not name, in rnn, lstm, gru order
  bool companions_on_ = false;
  std::int64_t until_ = 0;
  int conn_position_ = -1;          // -1: the default (reading_chars / 4)
  std::shared_ptr<const TextConnectivity> connectivity_;
  std::uint64_t version_ = 0;
  std::shared_ptr<const TextView> view_;  // null after a change
};

}  // namespace unrolled::app
