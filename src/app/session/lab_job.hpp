// The gradient-lab job (Gradient lab workspace): the lab (lab.hpp) and its commands, each answered on
// the status line; its two runs train in slices beside the training run. Not saved in session files.
#pragma once
#include <memory>

#include "app/session/command.hpp"
#include "app/session/job.hpp"
#include "app/session/lab.hpp"

namespace unrolled::app {

class LabJob {
 public:
  explicit LabJob(Status& status) : status_(status) {}

  void on(const cmd::ConfigureLab& c);
  void on(const cmd::LabTrain&) { status_.say(lab_.train(), false); }
  void on(const cmd::LabPause&) { status_.say(lab_.pause(), false); }
  void on(const cmd::LabReset&) { status_.say(lab_.reset(), false); }

  bool training() const { return lab_.running(); }
  // One slice of the lab's two runs (about 10 ms); true when there is something new to publish.
  bool slice(Clock::time_point now);
  // The lab trains at full speed: now while it trains, else max.
  Clock::time_point next_wake(Clock::time_point now) const { return training() ? now : Clock::time_point::max(); }
  std::shared_ptr<const LabView> view() { return lab_.view(); }

 private:
  Status& status_;
  Lab lab_;
};

}  // namespace unrolled::app
