// The Seq2seq workspace's run (issue 16): an encoder-decoder with attention (core/seq2seq.hpp, exact to
// PyTorch) trained live on a generated task (reverse, sort, dates, add) or a source<TAB>target file,
// and beside it (the bottleneck plot) the same model without attention, trained step for step on the
// same batches' seed. Every eval_every steps both are scored on the validation pairs (greedy decoding:
// token and sequence accuracy, and sequence accuracy by source length), and one validation example is
// decoded step by step: the attention weights, the decoder state, the context vector and the five
// likeliest next tokens at each step, and its beam-search tree. Worker-owned (GL-free, ImGui-free);
// the panels see it through Snapshot::seq2seq.
//
// Size key: n the example's source length, m its greedy output's length (the closing </s> included),
// Hd decoder hidden size, C encoder output width.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/seq2seq.hpp"

namespace unrolled::app {

// What the Seq2seq panel edits. Checked by validate_seq2seq_settings; the session refuses anything else.
struct Seq2seqSettings {
  std::string task = "reverse";  // reverse, sort, dates, add (generated) or a .tsv file's path
  CellKind cell = CellKind::gru;
  Attention attention = Attention::additive;
  int hidden = 64;                 // H (the decoder's is the same: one direction)
  int embed = 32;                  // E
  int batch = 32;                  // B
  double teacher_forcing = 1.0;    // r
  double lr = 2e-3;                // Adam
  double clip = 1.0;               // global-norm clipping; 0 = none
  std::uint64_t seed = 1;          // weights, batches, teacher forcing
  int pairs = 10000, val_pairs = 500;  // generated tasks (as unrolled-cli train's defaults)
  std::uint64_t data_seed = 1;
  int max_steps = 3000;            // the run ends there
  int eval_every = 100;            // validation (both models) and the example, every this many steps
  bool twin = true;                // train the same model without attention beside it (not when attention is none)
  bool operator==(const Seq2seqSettings&) const = default;
};

inline constexpr int max_seq2seq_hidden = 512, max_seq2seq_embed = 256, max_seq2seq_steps = 200000;
inline constexpr int max_seq2seq_beam = 8;
inline constexpr int max_app_seq2seq_source = 64;  // longest source the workspace takes (its views stay readable)

// Empty when usable; otherwise one sentence naming the field, its value and the allowed range.
std::string validate_seq2seq_settings(const Seq2seqSettings& settings);

// Which validation example the views decode, and the beam width of its tree.
struct Seq2seqInspect {
  int example = 0;  // index into the validation pairs
  int beam = 3;     // k, 1…max_seq2seq_beam
  bool operator==(const Seq2seqInspect&) const = default;
};

// Step t of greedy decoding (t = 1…m): from s_{t−1} and the token fed, the attention over the source,
// the context vector, the new state s_t and the next token's distribution.
struct Seq2seqDecodeStep {
  int fed = start_id;                 // y_{t−1}
  int token = end_id;                 // the argmax: y_t
  std::vector<float> weights;         // [n] a_tj (empty without attention)
  std::vector<float> context;         // [C] c_t (empty without attention)
  std::vector<float> state;           // [Hd] s_t
  std::array<int, 5> top{};           // the five likeliest next tokens (ids), best first
  std::array<float, 5> top_p{};       // their probabilities
};

// One validation example through the model of `step`.
struct Seq2seqExample {
  std::int64_t step = 0;
  int index = 0;
  std::vector<std::string> source, target;  // characters
  Grid memory;                        // [C × n] the encoder outputs h_j
  std::vector<float> s0;              // [Hd] the bridge's s_0
  std::vector<Seq2seqDecodeStep> steps;  // greedy, the step writing </s> included (m)
  std::vector<std::string> greedy;    // the greedy output's characters (</s> left out)
  bool greedy_finished = false;       // ended with </s> (else stopped at the length limit)
  double greedy_log_prob = 0, greedy_score = 0;  // Σ log p, and per token (length-normalised, </s> counted)
  int beam = 0;                       // k
  std::vector<BeamNode> tree;         // every hypothesis beam search kept
  std::vector<int> path;              // the chosen one (tree indices, root side first)
  std::vector<std::string> beamed;    // its characters
  bool beam_finished = false;
  double beam_score = 0;
};

// Validation sequence accuracy by source length, for the model and its no-attention twin.
struct Seq2seqLengths {
  std::int64_t step = 0;
  std::vector<int> length, count;     // the lengths that occur, and how many validation pairs have each
  std::vector<float> with, without;   // sequence accuracy per length (without: empty when there is no twin)
};

struct Seq2seqView {
  Seq2seqSettings settings;           // as applied
  Seq2seqInspect inspect;
  std::uint64_t version = 0;          // changes with every configure or reset
  TrainState state = TrainState::idle;  // idle (not built), paused, running, finished, diverged
  std::int64_t step = 0;
  double seconds = 0, steps_per_second = 0;  // time inside training slices; the last slice's rate (of the model; the twin steps with it)
  double wall_seconds = 0;
  std::string source;                 // "reverse: 10000 generated pairs (seed 1)" or the file's path
  std::vector<std::string> symbols;   // the vocabulary's characters (id − 3)
  long long parameters = 0, twin_parameters = 0;
  std::size_t train_pairs = 0;
  std::vector<std::string> val_sources;  // every validation source (the example chooser)
  int max_target = 0;                 // the decoding length limit
  bool twin = false;                  // a no-attention twin trains beside the model
  std::vector<float> loss, twin_loss;  // [step] the batch cross-entropy (nats per target token)
  std::vector<std::int64_t> val_step;
  std::vector<float> token_acc, seq_acc, twin_token_acc, twin_seq_acc;  // [val_step]
  Seq2seqLengths lengths;
  std::shared_ptr<const Seq2seqExample> example;
  std::string message;                // why it stopped (a divergence), else empty
  bool running() const { return state == TrainState::running; }
  // The character of token `id` ("<s>", "</s>" for the specials; "␣" for a space).
  std::string token_text(int id) const;
};

// The run, owned by the session's worker thread.
class Seq2seqRun {
 public:
  Seq2seqRun() = default;
  // Validates, generates or reads the pairs and builds the model (and its twin) at step 0, paused,
  // scored once. Throws std::runtime_error naming the bad value or the file; nothing changes then.
  void configure(const Seq2seqSettings& settings);
  bool built() const { return main_ != nullptr; }
  std::string train();  // start or resume (after the end: from step 0 again)
  std::string pause();
  std::string reset();  // step 0 with the seed's weights again
  // Another example or beam width: validated, and decoded now by the current model.
  std::string inspect(const Seq2seqInspect& inspect);
  bool running() const { return state_ == TrainState::running; }

  // About `budget` seconds of training (at least one step of each model). Returns true when something
  // changed; `note` gets a message when the run ended (error: a divergence, the last good weights kept).
  bool slice(double budget_seconds, std::string& note, bool& note_is_error);
  std::shared_ptr<const Seq2seqView> view();  // rebuilt only after a change
  // The model and its twin as they stand (built() first; the twin may be null).
  const Seq2seqModel<float>& model() const { return main_->model(); }
  const Seq2seqModel<float>* twin() const { return twin_ ? &twin_->model() : nullptr; }

 private:
  void restart();
  void evaluate();  // validation scores of both models and the example, at the current step
  void decode_example();
  double wall_seconds() const;

  Seq2seqSettings settings_;
  Seq2seqInspect inspect_;
  Seq2seqVocab vocab_;
  std::vector<std::vector<int>> train_src_, train_tgt_, val_src_, val_tgt_;
  std::vector<std::string> val_text_;
  int max_target_ = 0;
  Seq2seqTrainConfig config_;
  std::unique_ptr<Seq2seqTrainer<float>> main_, twin_;
  Buffer<float> main_good_, twin_good_;
  TrainState state_ = TrainState::idle;
  std::string source_, message_;
  double seconds_ = 0, steps_per_second_ = 0, wall_before_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::int64_t step_ = 0;
  std::vector<float> loss_, twin_loss_;
  std::vector<std::int64_t> val_step_;
  std::vector<float> token_acc_, seq_acc_, twin_token_acc_, twin_seq_acc_;
  Seq2seqLengths lengths_;
  std::shared_ptr<const Seq2seqExample> example_;
  std::uint64_t version_ = 0;
  std::shared_ptr<const Seq2seqView> view_;
};

}  // namespace unrolled::app
