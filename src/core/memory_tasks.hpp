// Memory tasks: data sets whose answer depends on an input seen many steps before the network has to
// give it — the classic tests of why gated cells (LSTM, GRU) beat the vanilla RNN on long memory.
//
// Size key: T steps per window, I inputs, O = 1 output, W training windows, V validation windows.
// Both tasks are scored on the last step only (loss `last`); nothing is normalised.
//
//   copy:T    (remember the first input, I = 1)
//             x_1 ~ U(−1, 1), x_2 … x_T = 0; target y_T = x_1.
//             The T − 1 zeros carry no information, so the only way to the answer is to hold x_1 in
//             the state for T − 1 steps (and the only way to learn that is a gradient that survives
//             T − 1 steps back). Always answering 0 scores MSE = Var(x_1) = 1/3.
//   adding:T  (the adding problem of Hochreiter & Schmidhuber, I = 2)
//             channel 0: values v_t ~ U(0, 1); channel 1: markers, exactly two 1s, all else 0 —
//             one at a step uniform in the first half (steps 1 … ⌊T/2⌋), the other uniform in the
//             second half (⌊T/2⌋+1 … T): the common variant of Le et al. (2015) and Arjovsky et al.
//             (2016), not the 1997 paper's "first ten steps". Target y_T = v_a + v_b, the sum of the
//             two marked values. Always answering 1 scores MSE = Var(v_a + v_b) = 2/12 = 1/6.
//
// Every window is drawn once, at construction, from the seed: training windows from one random stream,
// validation windows from a second, independent stream. The data set is immutable afterwards.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.hpp"

namespace unrolled {

enum class MemoryTask { copy, adding };

inline constexpr int max_memory_task_steps = 100000;            // T, as the CLI's --seq
inline constexpr int max_memory_task_windows = 1000000;         // W and V each
inline constexpr long long max_memory_task_values = 1LL << 26;  // (W + V)·T·I floats held: 256 MiB

struct MemoryTaskConfig {
  MemoryTask task = MemoryTask::copy;
  int steps = 30;             // T
  int train_windows = 2000;   // W
  int val_windows = 400;      // V
  std::uint64_t seed = 1;     // the windows; the trainer's seed (weights, shuffling) is separate
  bool operator==(const MemoryTaskConfig&) const = default;
};

const char* memory_task_name(MemoryTask task);  // "copy", "adding"
int memory_task_inputs(MemoryTask task);        // I: copy 1, adding 2
// True for text naming a memory task ("copy", "adding", "copy:…", "adding:…"), well formed or not.
bool is_memory_task(std::string_view text);
// "copy:T" or "adding:T" into task and steps; empty when fine, otherwise the reason.
std::string parse_memory_task(std::string_view text, MemoryTaskConfig& out);
// Empty when usable; otherwise names the field and the allowed range.
std::string validate_memory_task(const MemoryTaskConfig& config);

// The constant prediction that is best without memory, and its expected MSE (see above).
double memory_task_baseline_prediction(MemoryTask task);  // copy 0, adding 1
double memory_task_baseline_mse(MemoryTask task);         // copy 1/3, adding 1/6

class MemoryTaskDataset final : public Dataset {
 public:
  // Throws std::invalid_argument when validate_memory_task() objects.
  explicit MemoryTaskDataset(const MemoryTaskConfig& config);

  int input_size() const override { return memory_task_inputs(config_.task); }
  int output_size() const override { return 1; }
  int steps() const override { return config_.steps; }
  LossMode loss() const override { return LossMode::last; }
  int count(Split split) const override;
  void fill(Split split, const int* index, int batch, Mat<float>& x, Mat<float>& y) const override;
  std::string describe() const override;  // "copy task, T = 30"

  const MemoryTaskConfig& config() const { return config_; }
  // Window w of a split: its inputs [T·I], step-major (x_t channel i at t·I + i), and its target.
  const float* window(Split split, int w) const;
  float target(Split split, int w) const;
  // MSE of memory_task_baseline_prediction() over a split's windows: what "no memory" scores here.
  double baseline_mse(Split split) const;

 private:
  struct Windows {
    std::vector<float> x;  // [n × T × I]
    std::vector<float> y;  // [n]
  };
  MemoryTaskConfig config_;
  Windows train_, val_;
  const Windows& part(Split split) const { return split == Split::train ? train_ : val_; }
  Windows generate(int n, std::uint64_t stream) const;
};

}  // namespace unrolled
