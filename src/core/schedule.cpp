// Per-epoch learning-rate schedules (scalars only; no tensors here).
#include "core/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/enum_names.hpp"

namespace unrolled {

namespace {
constexpr EnumName<ScheduleKind> schedule_names[] = {
    {ScheduleKind::constant, "constant"}, {ScheduleKind::step, "step"}, {ScheduleKind::plateau, "plateau"}};
}  // namespace

const char* schedule_name(ScheduleKind kind) { return name_of(schedule_names, kind); }
bool parse_schedule(std::string_view text, ScheduleKind& out) { return parse_name(schedule_names, text, out); }

std::string validate_schedule(const ScheduleConfig& c) {
  if (c.step_epochs < 1) return "schedule step must be at least 1 epoch";
  if (!std::isfinite(c.gamma) || c.gamma <= 0 || c.gamma > 1) return "schedule factor must be in (0, 1]";
  if (c.patience < 0) return "schedule patience must be 0 or more";
  if (!std::isfinite(c.threshold) || c.threshold < 0 || c.threshold >= 1)
    return "schedule threshold must be in [0, 1)";
  if (!std::isfinite(c.min_lr) || c.min_lr < 0) return "minimum learning rate must be 0 or more";
  return {};
}

void LrSchedule::set_state(const LrScheduleState& s) {
  if (!std::isfinite(s.lr) || s.lr <= 0) throw std::invalid_argument("schedule: the learning rate must be positive");
  if (s.epochs < 0 || s.bad_epochs < 0) throw std::invalid_argument("schedule: epoch counts must be 0 or more");
  if (std::isnan(s.best)) throw std::invalid_argument("schedule: the best loss must be a number");
  lr_ = s.lr;
  epochs_ = s.epochs;
  best_ = s.best;
  bad_epochs_ = s.bad_epochs;
}

double LrSchedule::on_epoch_end(double val_loss) {
  ++epochs_;
  switch (config_.kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step:
      lr_ = base_ * std::pow(config_.gamma, static_cast<double>(epochs_ / config_.step_epochs));
      break;
    case ScheduleKind::plateau:
      if (val_loss < best_ * (1.0 - config_.threshold)) {
        best_ = val_loss;
        bad_epochs_ = 0;
      } else {
        ++bad_epochs_;
      }
      if (bad_epochs_ > config_.patience) {
        lr_ = std::max(lr_ * config_.gamma, config_.min_lr);
        bad_epochs_ = 0;
      }
      break;
  }
  return lr_;
}

}  // namespace unrolled
