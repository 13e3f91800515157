#include "app/frame_stats.hpp"

#include <ctime>

namespace unrolled::app {

namespace {
double ms(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}
}  // namespace

double wall_clock_ms() { return ms(CLOCK_MONOTONIC); }
double thread_cpu_ms() { return ms(CLOCK_THREAD_CPUTIME_ID); }

const char* frame_phase_name(FramePhase p) {
  switch (p) {
    case FramePhase::ui: return "ui";
    case FramePhase::render: return "render";
    case FramePhase::present: return "present";
  }
  return "?";
}

void FrameStats::begin() {
  if (!enabled) return;
  mark_wall = wall_clock_ms();
  mark_cpu = thread_cpu_ms();
}

void FrameStats::end(FramePhase phase) {
  if (!enabled) return;
  const double w = wall_clock_ms(), c = thread_cpu_ms();
  const auto i = static_cast<std::size_t>(phase);
  wall_ms[i].push_back(w - mark_wall);
  cpu_ms[i].push_back(c - mark_cpu);
  mark_wall = w;
  mark_cpu = c;
}

}  // namespace unrolled::app
