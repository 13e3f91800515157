// The Seq2seq workspace's job: the encoder-decoder's run (seq2seq.hpp) and its commands, each answered
// on the status line; it trains in slices beside the other jobs. Not saved in session files.
#pragma once
#include <memory>
#include <string>

#include "app/session/command.hpp"
#include "app/session/job.hpp"
#include "app/session/seq2seq.hpp"

namespace unrolled::app {

class Seq2seqJob {
 public:
  explicit Seq2seqJob(Status& status) : status_(status) {}

  void on(const cmd::ConfigureSeq2seq& c);
  void on(const cmd::Seq2seqTrain&);
  void on(const cmd::Seq2seqPause&) { status_.say(run_.pause(), false); }
  void on(const cmd::Seq2seqReset&) { status_.say(run_.reset(), false); }
  void on(const cmd::Seq2seqInspectExample& c);

  bool training() const { return run_.running(); }
  // One slice of training (about 15 ms, at least one step); true when there is something new to publish.
  bool slice(Clock::time_point now);
  Clock::time_point next_wake(Clock::time_point now) const { return training() ? now : Clock::time_point::max(); }
  std::shared_ptr<const Seq2seqView> view() { return run_.view(); }

 private:
  Status& status_;
  Seq2seqRun run_;
};

}  // namespace unrolled::app
