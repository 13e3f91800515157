// The session's queue, thread and publisher. What the worker does with each command is the
// dispatcher's (dispatcher.hpp) and its jobs'; this file only moves commands in and snapshots out.
#include "app/session/session.hpp"

#include <algorithm>
#include <exception>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/session/dispatcher.hpp"

namespace unrolled::app {

// Everything here belongs to the worker thread (and to the constructor, before it starts).
struct Session::Worker : Dispatcher {
  using Dispatcher::Dispatcher;
};

Session::Session(const SceneSettings& initial, const TrainSettings& training, bool background)
    : worker_(std::make_unique<Worker>(initial, training)) {
  latest_ = worker_->snapshot();
  thread_ = std::thread([this, background] { run(background); });
}

Session::~Session() { shutdown(); }

std::uint64_t Session::send(Command command) {
  std::lock_guard lock(mutex_);
  if (stop_) return 0;
  const std::uint64_t seq = next_sequence_++;
  queue_.emplace_back(seq, std::move(command));
  wake_.notify_one();
  return seq;
}

std::shared_ptr<const Snapshot> Session::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool Session::wait_applied(std::uint64_t sequence, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return published_.wait_for(lock, timeout, [&] { return latest_->applied >= sequence || stop_; }) &&
         latest_->applied >= sequence;
}

void Session::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    wake_.notify_all();
    published_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool Session::running() const {
  std::lock_guard lock(mutex_);
  return !stop_;
}

void Session::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  latest_ = std::move(snapshot);
  published_.notify_all();
}

void Session::run(bool background) {
  // Linux gives each thread its own nice value; raising it needs no privileges. Failure only means
  // the worker competes with the UI on equal terms.
  if (background) (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  Dispatcher& jobs = *worker_;
  std::deque<std::pair<std::uint64_t, Command>> batch;
  Clock::time_point publish_due{};
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stop_ || !queue_.empty(); };
      const auto now = Clock::now();
      const auto until = jobs.next_wake(now);
      if (until == Clock::time_point::max()) wake_.wait(lock, ready);
      else if (until > now) wake_.wait_until(lock, until, ready);
      if (stop_) return;
      batch.swap(queue_);
    }
    bool changed = false;
    for (auto& [seq, command] : batch) {
      jobs.apply(seq, command);  // may rebuild a scene: done outside the lock
      changed = true;
    }
    batch.clear();
    changed |= jobs.tick(Clock::now());
    // While training, publish at most every 33 ms: the UI draws at 60 fps and copies nothing.
    const auto now = Clock::now();
    const bool trained = jobs.train(now);
    if (changed || (trained && (now >= publish_due || !jobs.training()))) {
      publish(jobs.snapshot());
      publish_due = now + std::chrono::milliseconds(33);
    }
  }
}

}  // namespace unrolled::app
