// What every session job (explorer.hpp, training_job.hpp, compare_job.hpp, lab_job.hpp) shares: the
// worker's clock and its status line. A job is a class that owns one workspace's state on the worker
// thread, handles that workspace's commands, trains (if it does) in slices, and fills its part of the
// Snapshot and of a session file. The dispatcher (dispatcher.hpp) owns the jobs and routes each
// Command to the one that owns it. Jobs never lock: only the worker thread touches them.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

namespace unrolled::app {

using Clock = std::chrono::steady_clock;

// The last status or error (Snapshot::message); every job speaks through the worker's one Status.
struct Status {
  std::string message;
  bool error = false;
  std::uint64_t id = 0;  // changes with every new message
  void say(std::string text, bool is_error) {
    message = std::move(text);
    error = is_error;
    ++id;
  }
};

}  // namespace unrolled::app
