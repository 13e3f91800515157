// Where a frame's time goes, for --stats: building the UI (ImGui), rasterising it (the GL driver; on a
// software renderer this is most of the frame) and presenting it (the swap, the copy to the X server).
// Each phase is measured in wall time and in the UI thread's own CPU time; the render phase ends with
// glFinish so the driver's work is counted in it, not in the swap (only when --stats asks for it).
#pragma once
#include <array>
#include <vector>

namespace unrolled::app {

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

}  // namespace unrolled::app
