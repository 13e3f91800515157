// The training loop: epochs of seeded, shuffled mini-batches through forward, MSE, BPTT, clipping and
// the optimizer, with a learning-rate schedule, early stopping and a divergence guard.
//
// Size key: I inputs, O outputs, T steps, B batch, P parameters, W training windows, V validation windows.
// One step = one mini-batch. An epoch is ⌊W / B⌋ steps over a fresh permutation of the windows (the
// incomplete last batch is left out, so every step has the same shapes and, after the first, allocates
// nothing). After each epoch the validation set is evaluated, the schedule and early stopping look at
// its MSE, and listeners hear about it.
//
// The trainer is a value: copy it to take a snapshot (the data set is shared, being immutable). It runs
// in slices (train_steps(n)) so a worker thread can interleave pause, reset and other commands.
#pragma once
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/dataset.hpp"
#include "core/enum_names.hpp"
#include "core/model.hpp"
#include "core/optimizer.hpp"
#include "core/schedule.hpp"

namespace unrolled {

struct TrainerConfig {
  ModelConfig model;             // cell, hidden_size, num_layers, nonlinearity; I and O come from the data
  OptimizerConfig optimizer;     // kind, lr, momentum, weight decay, Adam betas
  ScheduleConfig schedule;
  int batch = 32;                // B (lowered to W when there are fewer windows)
  int epochs = 40;
  std::uint64_t seed = 1;        // weights and shuffling
  double clip = 1.0;             // global-norm clipping threshold; 0 = off
  int early_stop_patience = 0;   // stop after this many epochs without a better validation MSE; 0 = off
  int truncate = 0;              // truncated BPTT every k steps; 0 = full
  // Divergence guard: a NaN or Inf loss or gradient always stops training; so does a mini-batch loss
  // above max_loss (the data are normalised to variance 1, so 1e6 means predictions a thousand
  // standard deviations off: an explosion, not learning). 0 = only NaN and Inf.
  double max_loss = 1e6;
  // LSTM only: the forget-gate bias after the seed's initialisation (set_forget_bias, core/model.hpp);
  // unset keeps PyTorch's default initialisation.
  std::optional<double> forget_bias;
  bool operator==(const TrainerConfig&) const = default;
};

std::string validate_trainer(const TrainerConfig& config);  // empty when usable (model sizes aside)

struct StepMetrics {
  std::int64_t step = 0;   // 1-based count of optimizer steps so far
  int epoch = 0;           // 1-based epoch this step belongs to
  double train_loss = 0;   // MSE of this mini-batch (normalised units)
  double grad_norm = 0;    // global gradient norm before clipping
  double lr = 0;           // learning rate used by this step
  double seconds = 0;      // training time so far (time spent inside train_steps)
};

struct EpochMetrics {
  int epoch = 0;             // 1-based
  std::int64_t step = 0;     // steps so far
  double train_loss = 0;     // mean mini-batch loss over the epoch
  double val_mse = 0;        // last-step prediction of every validation window (normalised units)
  double val_mae = 0;
  double lr = 0;             // learning rate for the next epoch (after the schedule)
  double seconds = 0;
  bool best = false;         // this epoch's validation MSE is the best so far
};

enum class TrainStatus { running, finished, early_stopped, diverged };
inline constexpr EnumName<TrainStatus> train_status_names[] = {{TrainStatus::running, "running"},
                                                                {TrainStatus::finished, "finished"},
                                                                {TrainStatus::early_stopped, "early_stopped"},
                                                                {TrainStatus::diverged, "diverged"}};
const char* train_status_name(TrainStatus status);  // "running", "finished", "early_stopped", "diverged"

struct Divergence {
  std::int64_t step = 0;   // the step whose loss or gradient was not finite (1-based)
  int epoch = 0;
  std::string what;        // "loss", "gradient norm" or "validation loss"
  double value = 0;        // the NaN, Inf or exploded loss
  std::string message;     // full sentence with advice, for the user
};

struct TrainSummary {
  TrainStatus status = TrainStatus::running;
  int epochs = 0;            // completed
  std::int64_t steps = 0;
  double train_mse = 0;      // final weights, last-step MSE over all training windows (normalised)
  double val_mse = 0;        // final weights, over all validation windows
  double val_mae = 0;
  int best_epoch = 0;        // epoch of the best validation MSE (0 = none yet)
  double seconds = 0;
  std::string message;       // divergence or early-stop explanation; empty when finished normally
};

// Receives progress. Called on the thread that runs train_steps(); keep the handlers short.
class TrainListener {
 public:
  virtual ~TrainListener() = default;
  virtual void on_step(const StepMetrics&) {}
  virtual void on_epoch(const EpochMetrics&) {}
  virtual void on_diverged(const Divergence&) {}
  virtual void on_done(const TrainSummary&) {}
};

// Everything a run needs to continue exactly where it stopped, apart from its data set and
// configuration: a Trainer built from the same two and restore()d continues bit for bit (the app's
// session file saves this). P parameters, W training windows.
struct TrainerState {
  TrainStatus status = TrainStatus::running;
  std::int64_t step = 0;
  int epoch = 0;                 // completed
  int batch_in_epoch = 0;        // steps done in the current epoch
  double epoch_loss_sum = 0;     // of the current epoch's mini-batch losses
  double seconds = 0;
  double best_val = std::numeric_limits<double>::infinity();  // +inf until the first epoch ends
  int best_epoch = 0;
  int bad_epochs = 0;            // early stopping: epochs since the best
  EpochMetrics last_epoch;
  Divergence divergence;
  std::string stop_message;
  Buffer<float> params;          // [P] the weights
  Buffer<float> last_good;       // [P] the weights the last step started from
  Buffer<float> best_params;     // [P] the weights at the best validation MSE
  OptimizerState<float> optimizer;
  LrScheduleState schedule;
  std::string rng;               // the shuffling generator, in std::mt19937_64's standard text form
  std::vector<int> order;        // [W] the current epoch's permutation of the training windows
};

struct EvalResult {
  double mse = 0, mae = 0;  // normalised units; NaN when the split is empty
  int windows = 0;
};

class Trainer {
 public:
  Trainer() = default;  // empty: train_steps() does nothing until assigned a real trainer
  // Initialises the weights with init_uniform(seed). Throws std::invalid_argument on a bad config.
  Trainer(std::shared_ptr<const Dataset> data, const TrainerConfig& config);

  void set_listener(TrainListener* listener) { listener_ = listener; }  // not owned; may be null

  // Runs up to n steps (fewer when training ends); returns how many ran. Epoch ends (validation,
  // schedule, early stopping) happen inside. Returns 0 once done().
  int train_steps(int n);
  // Runs to the end: all epochs, early stop or divergence.
  TrainSummary run();
  // Back to step 0 with freshly initialised weights (same seed, same run again).
  void reset();
  // The run so far, to continue it later (see TrainerState).
  TrainerState state() const;
  // Continues from `state`. Throws std::invalid_argument naming the field when it cannot belong to
  // this trainer's model and data (a buffer of the wrong size, a non-finite weight, an order that is
  // not a permutation of the training windows, counts out of range); the trainer is then unchanged.
  void restore(const TrainerState& state);

  bool done() const { return state_.status != TrainStatus::running; }
  TrainStatus status() const { return state_.status; }
  std::int64_t step() const { return state_.step; }           // steps done
  int epoch() const { return state_.epoch; }                  // epochs completed
  int steps_per_epoch() const { return steps_per_epoch_; }
  int batch() const { return batch_; }                  // B actually used
  double lr() const { return schedule_.lr(); }
  double seconds() const { return state_.seconds; }
  const TrainerConfig& config() const { return config_; }
  const Dataset& data() const { return *data_; }
  std::shared_ptr<const Dataset> data_ptr() const { return data_; }
  const Model<float>& model() const { return model_; }
  Model<float>& mutable_model() { return model_; }      // for the app's weight editing; not mid-step
  const Divergence& divergence() const { return state_.divergence; }
  const EpochMetrics& last_epoch() const { return state_.last_epoch; }
  double best_val_mse() const { return state_.best_val; }
  int best_epoch() const { return state_.best_epoch; }

  // Last-step MSE and MAE of the current weights over every window of a split.
  EvalResult evaluate(Split split);
  // Summary of the run so far, with train and validation MSE of the current weights.
  TrainSummary summary();

 private:
  std::shared_ptr<const Dataset> data_;
  TrainerConfig config_;
  TrainListener* listener_ = nullptr;
  Model<float> model_;          // P parameters
  Optimizer<float> optimizer_;
  LrSchedule schedule_;
  std::mt19937_64 rng_;         // shuffling
  int batch_ = 0;               // B
  int steps_per_epoch_ = 0;     // ⌊W / B⌋
  // The run's counters, best and last-good weights, divergence and the epoch's window order, in the
  // struct state() hands out and restore() takes, so the two are one copy each way. Its params,
  // optimizer, schedule and rng stay empty here: the live ones are model_, optimizer_, schedule_ and
  // rng_ (state() fills them in).
  TrainerState state_;
  std::chrono::steady_clock::time_point slice_start_;
  double slice_base_seconds_ = 0;

  // Buffers reused every step (and state_.order: [W] this epoch's permutation of training windows).
  Mat<float> x_;                // [I × T·B]
  Mat<float> y_;                // [O × B] (last) or [O × T·B] (all)
  Mat<float> dy_;               // [O × T·B]
  Trace<float> trace_;
  Gradients<float> grads_;
  // Evaluation buffers: full chunks and the final partial chunk keep their own shapes.
  struct EvalBuffers {
    std::vector<int> index;
    Mat<float> x, y;
    Trace<float> trace;
  };
  EvalBuffers eval_full_, eval_tail_;

  bool one_step();  // false when training stopped during it
  void end_epoch();
  void finish(TrainStatus status);
  void diverge(const char* what, double value);
};

}  // namespace unrolled
