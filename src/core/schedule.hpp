// Size key: none — one scalar lr per epoch.
// Learning-rate schedules stepped once per epoch, as torch.optim.lr_scheduler after each epoch:
//   constant  lr stays at its initial value
//   step      StepLR: lr = lr₀ · gamma^⌊epoch / step_epochs⌋
//   plateau   ReduceLROnPlateau (mode min, relative threshold, cooldown 0): when the validation loss
//             has not improved on its best by more than `threshold` (relative) for more than
//             `patience` epochs, lr = max(lr · factor, min_lr)
#pragma once
#include <limits>
#include <string>
#include <string_view>

namespace unrolled {

enum class ScheduleKind { constant, step, plateau };

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::constant;
  int step_epochs = 10;     // step: decay every this many epochs
  double gamma = 0.5;       // step and plateau: the factor applied to lr
  int patience = 3;         // plateau: epochs without improvement tolerated
  double threshold = 1e-4;  // plateau: relative improvement that counts
  double min_lr = 0.0;      // plateau: floor
  bool operator==(const ScheduleConfig&) const = default;
};

const char* schedule_name(ScheduleKind kind);  // "constant", "step", "plateau"
bool parse_schedule(std::string_view text, ScheduleKind& out);
std::string validate_schedule(const ScheduleConfig& config);  // empty when usable

// Where a schedule is: saved with a run so that it continues exactly.
struct LrScheduleState {
  double lr = 1e-2;
  int epochs = 0;                                         // epochs seen
  double best = std::numeric_limits<double>::infinity();  // plateau: best validation loss so far
  int bad_epochs = 0;                                     // plateau: epochs since it improved
};

class LrSchedule {
 public:
  LrSchedule() = default;
  LrSchedule(const ScheduleConfig& config, double base_lr) : config_(config), base_(base_lr), lr_(base_lr) {}
  double lr() const { return lr_; }
  // Call after each epoch with its validation loss; returns the learning rate for the next epoch.
  double on_epoch_end(double val_loss);
  void reset() { *this = LrSchedule(config_, base_); }
  LrScheduleState state() const { return {lr_, epochs_, best_, bad_epochs_}; }
  // Throws std::invalid_argument when the numbers cannot be a schedule's (lr not positive, counts < 0).
  void set_state(const LrScheduleState& state);

 private:
  ScheduleConfig config_;
  double base_ = 1e-2;
  double lr_ = 1e-2;
  int epochs_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  int bad_epochs_ = 0;
};

}  // namespace unrolled
