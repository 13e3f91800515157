// The Text workspace's job: the character model's run (text.hpp) and its commands, each answered on
// the status line; it trains in slices beside the other jobs. Not saved in session files (the corpus
// and settings are, in the UI's part, so a reopened session shows the same Text panel).
#pragma once
#include <memory>
#include <stdexcept>
#include <string>

#include "app/session/command.hpp"
#include "app/session/job.hpp"
#include "app/session/text.hpp"

namespace unrolled::app {

class TextJob {
 public:
  explicit TextJob(Status& status) : status_(status) {}

  void on(const cmd::ConfigureText& c);
  void on(const cmd::TextTrain&);
  void on(const cmd::TextPause&) { status_.say(run_.pause(), false); }
  void on(const cmd::TextReset&) { status_.say(run_.reset(), false); }
  void on(const cmd::TextSample& c);
  void on(const cmd::TextConnect& c) { status_.say(run_.connect(c.position), false); }
  void on(const cmd::TextCompanions& c) { status_.say(run_.companions(c.on), false); }

  // The model or its companions train.
  bool training() const { return run_.active(); }
  // One slice of training (about 15 ms, at least one step); true when there is something new to publish.
  bool slice(Clock::time_point now);
  Clock::time_point next_wake(Clock::time_point now) const { return training() ? now : Clock::time_point::max(); }
  std::shared_ptr<const TextView> view() { return run_.view(); }
  TextRun& run() { return run_; }  // session files save and restore it
  const TextRun& run() const { return run_; }

 private:
  Status& status_;
  TextRun run_;
};

}  // namespace unrolled::app
