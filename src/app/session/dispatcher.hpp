// The session's dispatcher: the jobs (job.hpp) the worker thread runs — explorer, training run,
// comparison set, gradient lab, text model, seq2seq model — and the one table that sends each Command to the job that owns it.
// It also assembles the Snapshot from the jobs' parts, tells the worker loop when to wake for the
// next play tick or training slice, and reads and writes session files from each job's own part.
// Only the worker thread (and the Session's constructor, before the thread starts) touches it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>

#include "app/session/command.hpp"
#include "app/session/compare_job.hpp"
#include "app/session/explorer.hpp"
#include "app/session/job.hpp"
#include "app/session/lab_job.hpp"
#include "app/session/seq2seq_job.hpp"
#include "app/session/snapshot.hpp"
#include "app/session/text_job.hpp"
#include "app/session/training_job.hpp"

namespace unrolled::app {

class Dispatcher {
 public:
  // The explorer shows `initial` and the training run starts from `training` (paused at step 0); bad
  // settings fall back to the defaults with a message.
  Dispatcher(const SceneSettings& initial, const TrainSettings& training);

  // Applies one command; `sequence` becomes Snapshot::applied.
  void apply(std::uint64_t sequence, const Command& command);
  // Advances the play clock; true when the cursor moved.
  bool tick(Clock::time_point now) { return explorer_.tick(now); }
  // One slice of every job that is training; true when there is something new to publish.
  bool train(Clock::time_point now);
  bool training() const;  // any job training (then publishing is throttled)
  // When the worker should wake up next with no command (max: only a command wakes it).
  Clock::time_point next_wake(Clock::time_point now) const;
  std::shared_ptr<const Snapshot> snapshot();

 private:
  // Commands that one job owns go to it (route's template); the overloads below are the ones that
  // touch more than one job.
  template <class C> void route(const C& c);
  void route(const cmd::Configure& c);
  void route(const cmd::Reseed& c);
  void route(const cmd::LoadModel& c);
  void route(const cmd::StepTextModel& c);
  void route(const cmd::ConfigureTraining& c);
  void route(const cmd::Train& c) { set_or_run(c); }
  void route(const cmd::PauseTraining& c) { set_or_run(c); }
  void route(const cmd::ToggleTraining& c) { set_or_run(c); }
  void route(const cmd::ResetTraining& c) { set_or_run(c); }
  void route(const cmd::SetForecast& c);
  void route(const cmd::StartCompare& c);
  void route(const cmd::SaveSession& c);
  void route(const cmd::OpenSession& c);
  // While a compare set exists, the training commands act on the whole set.
  template <class C> void set_or_run(const C& c) {
    if (compare_.active()) compare_.on(c);
    else training_.on(c);
  }
  void open_session(const std::string& path);

  Status status_;  // first: every job speaks through it
  Explorer explorer_{status_};
  TrainingJob training_{status_, explorer_};
  CompareJob compare_{status_, training_};
  LabJob lab_{status_};
  TextJob text_{status_};
  Seq2seqJob seq2seq_{status_};
  // Every job, in the order they train in a pass of the loop. route() finds a command's owner here,
  // and train(), training() and next_wake() ask each job that has slice(), training(), next_wake().
  // A new job: its member above, one entry here, and its line in snapshot().
  auto jobs() { return std::tie(explorer_, training_, lab_, text_, seq2seq_, compare_); }
  auto jobs() const { return std::tie(explorer_, training_, lab_, text_, seq2seq_, compare_); }
  std::uint64_t applied_ = 0;
  std::uint64_t version_ = 0;
  std::shared_ptr<const SessionUi> restored_ui_;  // the UI's part of the last session opened
  std::uint64_t restore_id_ = 0;
};

}  // namespace unrolled::app
