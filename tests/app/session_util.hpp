// Waiting on the session's worker thread from a test.
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "app/session/session.hpp"
#include "app/session/training.hpp"

namespace unrolled::app::test {

using namespace std::chrono_literals;

// A small, fast run: LSTM H = 8, T = 16, batch 16 on a 400-point sine (quick under sanitizers).
inline TrainSettings small_run() {
  TrainSettings t;
  t.trainer.model.hidden_size = 8;
  t.trainer.batch = 16;
  t.signal.length = 400;
  t.split.steps = 16;
  return t;
}

// A memory task (--data TASK:steps) on the given windows, its windows of length `steps`; the model
// and trainer settings are left to the test.
inline TrainSettings memory_task_run(MemoryTask kind, int steps, int train_windows, int val_windows) {
  TrainSettings t;
  MemoryTaskConfig task;
  task.task = kind;
  task.steps = steps;
  task.train_windows = train_windows;
  task.val_windows = val_windows;
  t.task = task;
  t.split.steps = steps;
  return t;
}

// The snapshot once the command with this sequence number has been applied.
inline std::shared_ptr<const Snapshot> settle(Session& s, std::uint64_t seq) {
  REQUIRE(s.wait_applied(seq, 20s));
  return s.latest();
}

// The first snapshot for which pred holds; fails after 60 s (sanitizer builds are slow).
template <class Pred> std::shared_ptr<const Snapshot> wait_for(Session& s, Pred pred) {
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    auto snap = s.latest();
    if (pred(*snap)) return snap;
    REQUIRE(std::chrono::steady_clock::now() < give_up);
    std::this_thread::sleep_for(2ms);
  }
}

}  // namespace unrolled::app::test
