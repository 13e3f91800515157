// Where a frame's time goes, for --stats: building the UI (ImGui), rasterising it (the GL driver; on a
// software renderer this is most of the frame) and presenting it (the swap, the copy to the X server).
// Each phase is measured in wall time and in the UI thread's own CPU time; the render phase ends with
// glFinish so the driver's work is counted in it, not in the swap (only when --stats asks for it).
#pragma once
#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

#include "app/session/training.hpp"

namespace unrolled::app {

struct TextView;  // session/text.hpp
struct Seq2seqView;  // session/seq2seq.hpp

enum class FramePhase { ui, render, present };
inline constexpr int frame_phase_count = 3;
const char* frame_phase_name(FramePhase p);  // "ui", "render", "present"

struct FrameStats {
  bool enabled = false;
  // per frame, per phase
  std::array<std::vector<double>, frame_phase_count> wall_ms, cpu_ms;
  double mark_wall = 0, mark_cpu = 0;

  void begin();               // at the start of the phases
  void end(FramePhase phase); // at the end of `phase` (the next one starts here)
};

// Milliseconds of a monotonic clock and of the calling thread's CPU time.
double wall_clock_ms();
double thread_cpu_ms();

// Partial repaints: on or off, frames that repainted only part of the window, and the pixels the
// last frame's check found different from a whole redraw (-1: not checked).
struct RedrawReport {
  bool partial = false;
  long long mismatched = -1;
  long long partial_frames = 0;
};

// --stats FILE: frames, frame_ms {mean, p50, p95, max} (the checked last frame left out), phase_ms,
// redraw, the training run's steps and throughput, each compared cell's, the Text and Seq2seq models', and the last frame's text cut
// by its clip rectangle (gfx/text_clip.hpp). False (and a message on stderr) when the file cannot be written.
bool write_stats(const std::string& path, const std::vector<double>& frame_ms, const FrameStats& phases,
                 const TrainView& train, const RedrawReport& redraw, const nlohmann::json& clipped_text,
                 const TextView& text, const Seq2seqView* seq2seq = nullptr);

}  // namespace unrolled::app
