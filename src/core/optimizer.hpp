// Optimizers over the flat parameter buffer, with torch.optim's exact update rules, and global-norm
// clipping as torch.nn.utils.clip_grad_norm_. One loop over all parameters each.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace unrolled {

enum class OptimizerKind { sgd, adam };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 1e-2;
  double weight_decay = 0.0;  // L2 added to the gradient, as torch.optim (not decoupled)
  // SGD
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  // Adam
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool operator==(const OptimizerConfig&) const = default;
};

const char* optimizer_name(OptimizerKind kind);  // "sgd", "adam"
bool parse_optimizer(const std::string& text, OptimizerKind& out);
std::string validate_optimizer(const OptimizerConfig& config);  // empty when usable

// What an optimizer has accumulated: saved with a run so that it continues exactly.
template <class T> struct OptimizerState {
  std::int64_t steps = 0;  // updates so far (Adam's bias correction)
  Buffer<T> m;             // [P] SGD momentum or Adam's first moment; empty before the first step
                           // (and always for SGD without momentum)
  Buffer<T> v;             // [P] Adam's second moment; empty before the first step and for SGD
};

// Empty when `state` fits an optimizer of `config` over `parameters` values, else what does not.
template <class T>
std::string check_optimizer_state(const OptimizerConfig& config, const OptimizerState<T>& state, std::size_t parameters);

template <class T> class Optimizer {
 public:
  Optimizer() = default;
  explicit Optimizer(const OptimizerConfig& config) : config_(config) {}
  const OptimizerConfig& config() const { return config_; }
  void set_lr(double lr) { config_.lr = lr; }
  std::int64_t steps() const { return steps_; }
  // One update of params from grads (same length). Allocates only on the first call.
  void step(Buffer<T>& params, const Buffer<T>& grads);
  void reset();
  OptimizerState<T> state() const { return {steps_, m_, v_}; }
  // Throws std::invalid_argument (check_optimizer_state's reason) when it does not fit.
  void set_state(const OptimizerState<T>& state, std::size_t parameters);

 private:
  OptimizerConfig config_;
  std::int64_t steps_ = 0;
  Buffer<T> m_;  // SGD momentum buffer, or Adam's first moment
  Buffer<T> v_;  // Adam's second moment
};

// ‖g‖₂ over the whole buffer.
template <class T> T global_norm(const Buffer<T>& grads);
// clip_grad_norm_: scales grads by max_norm / (‖g‖ + 1e-6) when that is below 1. Returns ‖g‖ before.
template <class T> T clip_grad_norm(Buffer<T>& grads, T max_norm);

}  // namespace unrolled
