// How much memory a long training run in the app costs: drives the app's Session (the worker thread,
// the decimated histories, the forecast and decay views, the followed scene) with the default
// training settings and as many epochs as it takes, and prints the resident set size as it goes.
//
//   build/bin/session-memory-bench [SECONDS=600] [EVERY=30]
//
// Prints "seconds steps rss_mb history_points" lines, then the growth between the first and the
// last report. Not a test: it measures, the README keeps the numbers.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "app/session/session.hpp"
#include "core/threads.hpp"

namespace {
double rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string key;
  while (f >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      f >> kb;
      return kb / 1024.0;
    }
    std::getline(f, key);
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace unrolled::app;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 600.0;
  const double every = argc > 2 ? std::atof(argv[2]) : 30.0;
  if (!(seconds > 0) || !(every > 0)) {
    std::fprintf(stderr, "usage: session-memory-bench [SECONDS>0] [EVERY>0]\n");
    return 2;
  }
  unrolled::set_compute_threads(1);
  TrainSettings t;
  t.trainer.epochs = 1000000;  // never finishes by itself
  Session session({}, t);
  session.send(cmd::Train{});
  const auto start = std::chrono::steady_clock::now();
  double first = -1, last = 0;
  std::printf("seconds steps rss_mb history_points\n");
  for (double next = 0; next <= seconds; next += every) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(next));
    // The UI's part: take the latest snapshot, as a frame does.
    const auto snap = session.latest();
    last = rss_mb();
    if (first < 0) first = last;
    std::printf("%.0f %lld %.1f %zu\n", next, static_cast<long long>(snap->train->step), last,
                snap->train->steps->size() + snap->train->epochs->size());
    std::fflush(stdout);
  }
  session.shutdown();
  std::printf("rss growth %.1f MB over %.0f s\n", last - first, seconds);
  return 0;
}
