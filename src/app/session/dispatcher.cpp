#include "app/session/dispatcher.hpp"

#include <algorithm>
#include <concepts>
#include <exception>
#include <filesystem>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <variant>

#include "io/json_util.hpp"
#include "io/text.hpp"

namespace unrolled::app {

namespace {
template <class Job> using job_type = std::remove_cvref_t<Job>;
// A job owns command C when it has a handler on(const C&).
template <class Job, class C> constexpr bool handles = requires(Job& job, const C& c) { job.on(c); };
// A job that trains answers all three of the loop's questions (a misspelt one would be skipped).
template <class Job> constexpr bool trains = requires(Job& job, const Job& seen, Clock::time_point now) {
  { job.slice(now) } -> std::same_as<bool>;
  { seen.training() } -> std::same_as<bool>;
  { seen.next_wake(now) } -> std::same_as<Clock::time_point>;
};
static_assert(trains<TrainingJob> && trains<CompareJob> && trains<LabJob> && trains<TextJob> && trains<Seq2seqJob>);
static_assert(requires(const Explorer& e, Clock::time_point now) { e.next_wake(now); });  // the play clock
}  // namespace

// The commands one job owns go to it: exactly one job may handle each (a command two jobs handle
// needs its own route overload below, which says how they share it).
template <class C> void Dispatcher::route(const C& c) {
  std::apply(
      [&](auto&... job) {
        static_assert((int(handles<job_type<decltype(job)>, C>) + ...) == 1,
                      "a command needs exactly one job that handles it, or its own route overload");
        (
            [&] {
              if constexpr (handles<job_type<decltype(job)>, C>) job.on(c);
            }(),
            ...);
      },
      jobs());
}

Dispatcher::Dispatcher(const SceneSettings& initial, const TrainSettings& training) {
  try {
    explorer_.rebuild(initial);
  } catch (const std::exception& e) {  // e.g. an unreadable CSV: fall back to the default scene
    explorer_.rebuild(SceneSettings{});
    status_.say(e.what(), true);
  }
  try {
    training_.new_run(training);
  } catch (const std::exception& e) {  // bad settings: the default run, and say why
    training_.new_run(TrainSettings{});
    training_.set_error(e.what());
    status_.say(e.what(), true);
  }
}

void Dispatcher::apply(std::uint64_t sequence, const Command& command) {
  std::visit([this](const auto& c) { route(c); }, command);
  applied_ = sequence;
}

// ---- commands that touch more than one job -----------------------------------------------------------

void Dispatcher::route(const cmd::Configure& c) {
  training_.unfollow();  // the explorer's settings take over the stepping views
  explorer_.on(c);
}

void Dispatcher::route(const cmd::Reseed& c) {
  training_.unfollow();
  explorer_.on(c);
}

void Dispatcher::route(const cmd::LoadModel& c) {
  try {
    Explorer::Loaded loaded = explorer_.load(c.path);
    training_.adopt_weights(loaded.model, loaded.extra, c.path);  // a forecaster also becomes the training run's model
    explorer_.show_loaded(std::move(loaded));
    training_.unfollow();
    const std::string& note = training_.message();
    status_.say("loaded " + c.path + (note.empty() ? "" : "; " + note), false);
  } catch (const std::exception& e) {
    status_.say(e.what(), true);
  }
}

void Dispatcher::route(const cmd::StepTextModel&) {
  const TextRun& run = text_.run();
  if (!run.model()) {
    status_.say("the Text workspace has no model yet: build or train one first", true);
    return;
  }
  TokenVocab vocab;
  for (char32_t ch : run.vocab()) vocab.vocab.push_back(io::encode_utf8(ch));
  try {
    explorer_.show_model(*run.model(), std::move(vocab), "the Text workspace's model at step " + std::to_string(run.steps()));
    training_.unfollow();
    status_.say("the Step workspace steps through the Text workspace's model (a copy at step " + std::to_string(run.steps()) + ")", false);
  } catch (const std::exception& e) {
    status_.say(e.what(), true);
  }
}

void Dispatcher::route(const cmd::ConfigureTraining& c) {
  if (training_.on(c) && compare_.active()) route(cmd::StartCompare{compare_.cells()});  // the set follows
}

void Dispatcher::route(const cmd::SetForecast& c) {
  training_.on(c);  // clamps the range the compare runs use too
  compare_.on(c);
}

void Dispatcher::route(const cmd::StartCompare& c) {
  if (!compare_.build(c.cells)) return;
  training_.pause_for_compare();  // one thing trains at a time: the main run waits
  compare_.started();
}

// ---- session files: each job saves and restores its own part --------------------------------------------

void Dispatcher::route(const cmd::SaveSession& c) {
  try {
    if (c.autosave) {  // the state folder may not exist yet
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(c.path).parent_path(), ec);
      if (ec) throw io::IoError(c.path + ": cannot create its folder (" + ec.message() + ")");
    }
    SessionFile f;
    f.ui = c.ui;
    explorer_.save(f.explorer);
    training_.save(f.training, f.run);
    save_session_file(c.path, f);
    if (!c.autosave)
      status_.say("saved the session (training at step " + std::to_string(training_.run().trainer.step()) + ") to " + c.path,
                  false);
  } catch (const std::exception& e) {
    status_.say(std::string(c.autosave ? "could not autosave the session: " : "could not save the session: ") + e.what(),
                true);
  }
}

void Dispatcher::route(const cmd::OpenSession& c) {
  try {
    open_session(c.path);
  } catch (const std::exception& e) {
    std::string why = std::string("could not open the session: ") + e.what() + "; the current session is kept";
    if (c.set_aside_bad) {
      const std::string moved = set_aside_session_file(c.path);
      why += moved.empty() ? "; could not move the file aside" : "; the file was moved to " + moved;
    }
    status_.say(why, true);
  }
}

// Everything that can fail happens before the first change: reading and checking the file, building
// the data set, restoring a trainer. Then the run, the explorer and the UI's part are replaced.
void Dispatcher::open_session(const std::string& path) {
  SessionFile f = load_session_file(path);
  TrainingJob::Restoring restoring = TrainingJob::prepare_restore(f, path);
  compare_.clear();  // compare runs are not saved; they were built on the old data
  training_.restore(f, std::move(restoring));
  const std::string note = explorer_.restore(f.explorer);
  training_.show_followed();
  explorer_.seek(f.explorer.position);
  restored_ui_ = std::make_shared<const SessionUi>(f.ui);
  ++restore_id_;
  const Run& run = training_.run();
  status_.say("opened the session " + path + ": training at step " + std::to_string(run.trainer.step()) + " (" +
                  train_state_name(run.state) + ")" + note,
              !note.empty());
}

// ---- the worker loop's questions ---------------------------------------------------------------------

bool Dispatcher::train(Clock::time_point now) {
  bool trained = false;
  std::apply(
      [&](auto&... job) {
        (
            [&] {
              if constexpr (requires { job.slice(now); }) trained |= job.slice(now);
            }(),
            ...);
      },
      jobs());
  return trained;
}

bool Dispatcher::training() const {
  return std::apply(
      [](const auto&... job) {
        return (false || ... || [&] {
          if constexpr (requires { job.training(); }) return job.training();
          else return false;
        }());
      },
      jobs());
}

Clock::time_point Dispatcher::next_wake(Clock::time_point now) const {
  Clock::time_point wake = Clock::time_point::max();
  std::apply(
      [&](const auto&... job) {
        (
            [&] {
              if constexpr (requires { job.next_wake(now); }) wake = std::min(wake, job.next_wake(now));
            }(),
            ...);
      },
      jobs());
  return wake;
}

std::shared_ptr<const Snapshot> Dispatcher::snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->version = ++version_;
  s->applied = applied_;
  explorer_.fill(*s);
  auto train = training_.view();
  train->compare = compare_.view();
  s->train = std::move(train);
  s->train_steps = s->train->step;
  s->lab = lab_.view();
  s->text = text_.view();
  s->seq2seq = seq2seq_.view();
  s->message = status_.message;
  s->message_is_error = status_.error;
  s->message_id = status_.id;
  s->restored_ui = restored_ui_;
  s->restore_id = restore_id_;
  return s;
}

}  // namespace unrolled::app
