// The session: a worker thread that owns the model and the cursor, applies Commands in the order
// they were sent, and publishes immutable Snapshots (DESIGN §2).
//
//   UI thread ── send(Command) ──► queue ──► worker: apply, step on the play clock ──► publish
//   UI thread ◄── latest(): std::shared_ptr<const Snapshot>, read once per frame ◄──┘
//
// The UI never touches the model; a Snapshot, once published, never changes. Destruction (or
// shutdown()) stops the worker and joins it.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "app/session/command.hpp"
#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"
#include "core/model.hpp"

namespace unrolled::app {

class Session {
 public:
  // Builds the first scene before returning, so latest() is never empty.
  // The training run starts from `training` (paused at step 0); bad settings fall back to the defaults
  // with a message.
  // background: the worker runs at a lower scheduling priority (nice +10), so on a busy machine the
  // UI thread and the renderer get the cores first; an otherwise idle core still trains at full speed.
  explicit Session(const SceneSettings& initial = {}, const TrainSettings& training = {}, bool background = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Queues a command; returns its sequence number (1, 2, …). Ignored (returns 0) after shutdown.
  std::uint64_t send(Command command);
  std::shared_ptr<const Snapshot> latest() const;
  // Waits until the command with this sequence number has been applied and published.
  bool wait_applied(std::uint64_t sequence, std::chrono::milliseconds timeout) const;
  void shutdown();  // idempotent; joins the worker
  bool running() const;

 private:
  struct Worker;  // the state only the worker thread touches
  void run(bool background);
  void publish(std::shared_ptr<const Snapshot> snapshot);

  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;       // worker: commands arrived or stop
  mutable std::condition_variable published_;  // waiters: a new snapshot
  std::deque<std::pair<std::uint64_t, Command>> queue_;
  std::uint64_t next_sequence_ = 1;
  bool stop_ = false;
  std::shared_ptr<const Snapshot> latest_;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

}  // namespace unrolled::app
