// The gradient lab (issue 6): a vanilla RNN whose recurrent weights W_hh are rescaled to a chosen
// spectral radius ρ, the norm of its gradient ‖dL/dh_t‖ back through time against the guide ρ^(T−t),
// and two short training runs from the same weights, one with clip_grad_norm and one without.
// Worker-owned like the training run (GL-free, ImGui-free); the panels see it through Snapshot::lab.
//
// Size key: H hidden units, T steps per window, W windows averaged, S training steps of the clipping runs.
//
// With the loss on the last step only, every gradient starts at t = T:
//   dL/dh_T = W_headᵀ · dL/dy_T,   dL/dh_{t−1} = W_hhᵀ · (f′(a_t) ⊙ dL/dh_t)
// so each step back multiplies by W_hhᵀ·diag(f′). While f′ ≈ 1 (tanh near 0, relu where active) the
// norm follows ‖dL/dh_T‖ · ρ^(T−t): the guide. tanh saturates (f′ < 1: it falls below the guide), and
// relu with ρ > 1 explodes in the forward pass as well; the lab shows what really happens.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/dataset.hpp"
#include "core/model.hpp"
#include "core/trainer.hpp"

namespace unrolled::app {

// What the lab panel edits. Checked by validate_lab_settings; the session refuses anything else.
struct LabSettings {
  int hidden = 32;                                 // H
  int steps = 50;                                  // T
  std::uint64_t seed = 1;                          // initial weights (PyTorch's default init) and batches
  Nonlinearity activation = Nonlinearity::tanh;
  double rho = 0.9;                                // the spectral radius W_hh is rescaled to
  // The clipping comparison: plain SGD (Adam rescales its steps itself, which hides what clipping does).
  double clip = 1.0;                               // the clipped run's clip_grad_norm threshold
  double lr = 0.05;
  int train_steps = 300;                           // S
  bool operator==(const LabSettings&) const = default;
};

inline constexpr double max_lab_clip = 1000.0, max_lab_lr = 10.0;
inline constexpr int min_lab_train_steps = 10, max_lab_train_steps = 5000;
inline constexpr int lab_windows = 16;             // W: validation windows the decay is averaged over

// Empty when usable; otherwise one sentence naming the field, its value and the allowed range.
std::string validate_lab_settings(const LabSettings& settings);

// ‖dL/dh_t‖ of the lab's initial weights (computed in double: an exploding gradient leaves float's range).
struct LabDecay {
  std::vector<double> grad_norm;  // [T] at t = 1…T (index t−1): the mean over W windows of ‖dL/dh_t‖
  std::vector<double> guide;      // [T] ‖dL/dh_T‖ · ρ^(T−t), ρ the measured radius: one factor ρ per step back
  double measured_rho = 0;        // ρ(W_hh) of the weights actually used (float, after rescaling)
  double radius_before = 0;       // ρ(W_hh) of PyTorch's default init for this seed, before rescaling
  double per_step = 0;            // measured mean factor per step back, (‖dL/dh_1‖ / ‖dL/dh_T‖)^(1/(T−1));
                                  // NaN when a norm is 0 or not finite
  int windows = 0;                // W
};

// One of the two training runs (steps 1…S; index s−1).
struct LabRunView {
  bool clipped = false;
  TrainState state = TrainState::idle;  // idle, running, paused, finished (S steps) or diverged
  std::int64_t step = 0;
  std::vector<float> loss;          // [step] mini-batch MSE (normalised units)
  std::vector<float> grad_norm;     // [step] ‖g‖ before clipping
  std::vector<float> applied_norm;  // [step] ‖g‖ the SGD step used: after clipping (the same when unclipped)
  int clipped_steps = 0;            // steps at which clipping scaled the gradient down
  std::string message;              // why it stopped (divergence), else empty
  std::int64_t divergence_step = 0; // the step whose loss or gradient was NaN, Inf or too large (diverged)
};

// Everything the lab's panels show; immutable once published (never null in a Snapshot).
struct LabView {
  LabSettings settings;                            // as applied
  std::uint64_t version = 0;                       // changes with every configure or reset
  std::string data_description;                    // "sine signal, 1000 points, windows of T = 50"
  LabDecay decay;
  LabRunView clipped, unclipped;                   // trained together, the same number of steps per slice
  std::string summary;                             // how the runs ended (empty until both have)
  std::shared_ptr<const Model<float>> initial;     // the rescaled initial weights both runs start from
  std::shared_ptr<const SeriesDataset> data;       // the windows (loss on the last step only)
  bool running() const { return clipped.state == TrainState::running || unclipped.state == TrainState::running; }
};

// The lab, owned by the session's worker thread. Not copyable or movable: the trainers report to
// listeners inside it.
class Lab {
 public:
  Lab();  // the default settings, built
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Validates, rescales, computes the decay and prepares both runs at step 0 (paused). Throws
  // std::runtime_error naming the bad value, or std::invalid_argument from the core; nothing changes then.
  void configure(const LabSettings& settings);
  // Starts (or resumes) both runs; after both have ended they start again from step 0. Returns what
  // to tell the user.
  std::string train();
  std::string pause();
  std::string reset();  // both runs back to step 0 from the same initial weights
  bool running() const;

  // About `budget` seconds of training: each running run trains the same number of steps. Returns
  // true when something changed; `note` gets a message when a run ended (error: a divergence).
  bool slice(double budget_seconds, std::string& note, bool& note_is_error);

  std::shared_ptr<const LabView> view();  // rebuilt only after a change

 private:
  struct Recorder final : TrainListener {
    LabRunView* run = nullptr;
    double clip = 0;  // threshold (0: unclipped)
    void on_step(const StepMetrics& m) override;
  };
  struct Run {
    Trainer trainer;
    Recorder recorder;
    LabRunView view;
    double seconds_per_step = 1e-3;
  };
  void restart_runs();
  std::string end_note() const;

  LabSettings settings_;
  std::shared_ptr<const SeriesDataset> data_;
  std::shared_ptr<const Model<float>> initial_;
  LabDecay decay_;
  Run clipped_, unclipped_;
  std::string summary_;
  std::uint64_t version_ = 0;
  std::shared_ptr<const LabView> view_;  // null after a change
};

}  // namespace unrolled::app
