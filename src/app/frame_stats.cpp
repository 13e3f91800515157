#include "app/frame_stats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>

#include "app/session/seq2seq.hpp"
#include "app/session/text.hpp"
#include "core/enum_names.hpp"
#include "io/atomic_write.hpp"

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
  static constexpr EnumName<FramePhase> names[] = {{FramePhase::ui, "ui"}, {FramePhase::render, "render"}, {FramePhase::present, "present"}};
  return name_of(names, p);
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

namespace {
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(std::clamp(p * (v.size() - 1) + 0.5, 0.0, double(v.size() - 1)));
  return v[i];
}

}  // namespace

bool write_stats(const std::string& path, const std::vector<double>& ms, const FrameStats& phases, const TrainView& train,
                 const RedrawReport& redraw, const nlohmann::json& clipped_text, const TextView& text,
                 const Seq2seqView* seq2seq) {
  double mean = 0, mx = 0;
  for (double m : ms) {
    mean += m;
    mx = std::max(mx, m);
  }
  if (!ms.empty()) mean /= static_cast<double>(ms.size());
  nlohmann::ordered_json j;
  j["frames"] = ms.size() + (redraw.mismatched >= 0 ? 1 : 0);  // frame_ms leaves out the checked last frame
  j["frame_ms"] = {{"mean", mean}, {"p50", percentile(ms, 0.50)}, {"p95", percentile(ms, 0.95)}, {"max", mx}};
  // Where the time went: each phase's median wall time and the UI thread's median CPU time in it.
  for (int p = 0; p < frame_phase_count; ++p)
    j["phase_ms"][frame_phase_name(static_cast<FramePhase>(p))] = {{"wall_p50", percentile(phases.wall_ms[p], 0.50)},
                                                                   {"cpu_p50", percentile(phases.cpu_ms[p], 0.50)}};
  // Partial repaints (gfx/partial_redraw.hpp): whether they were on, how many frames used them, and
  // the last frame's check against a whole redraw (0 = identical).
  j["redraw"] = {{"partial", redraw.partial}, {"partial_frames", redraw.partial_frames},
                 {"check_mismatched_pixels", redraw.mismatched}};
  j["clipped_text"] = clipped_text;
  j["train_steps"] = train.step;
  // Throughput while the app was open: steps per wall-clock second of training (compare with
  // unrolled-cli train's steps / seconds for the same settings).
  j["train_wall_seconds"] = train.wall_seconds;
  j["train_steps_per_second"] = train.wall_seconds > 0 ? static_cast<double>(train.step) / train.wall_seconds : 0.0;
  // Compare mode: each run's steps, its own training time and state, in the order asked for.
  if (train.compare) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const CompareRunView& r : train.compare->runs)
      runs.push_back({{"cell", cell_name(r.cell)}, {"steps", r.step}, {"seconds", r.seconds},
                      {"steps_per_second", r.steps_per_second}, {"parameters", r.parameter_count},
                      {"state", train_state_name(r.state)}});
    j["compare"] = runs;
  }
  // The Text workspace's character model, once built: steps per wall-clock second of training.
  if (text.state != TrainState::idle)
    j["text"] = {{"steps", text.step}, {"wall_seconds", text.wall_seconds},
                 {"steps_per_second", text.wall_seconds > 0 ? static_cast<double>(text.step) / text.wall_seconds : 0.0},
                 {"parameters", text.parameters}, {"state", train_state_name(text.state)}};
  // The Seq2seq workspace's model, once built: its steps per wall-clock second (its twin steps with it).
  if (seq2seq && seq2seq->state != TrainState::idle)
    j["seq2seq"] = {{"steps", seq2seq->step}, {"wall_seconds", seq2seq->wall_seconds},
                    {"steps_per_second", seq2seq->wall_seconds > 0 ? static_cast<double>(seq2seq->step) / seq2seq->wall_seconds : 0.0},
                    {"parameters", seq2seq->parameters}, {"twin", seq2seq->twin}, {"state", train_state_name(seq2seq->state)},
                    {"val_seq_acc", seq2seq->seq_acc.empty() ? 0.0 : seq2seq->seq_acc.back()}};
  try {
    io::write_file_atomic(path, j.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unrolled: %s\n", e.what());
    return false;
  }
  return true;
}

}  // namespace unrolled::app
