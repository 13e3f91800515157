// The tiled layout: every panel's rectangle, computed each frame from the window size, so the
// panels fill the window and re-flow on resize (ImGui 1.86 has no docking). Pure arithmetic.
//
//   ┌─────────┬────────────────────────────────────────┐
//   │         │ Unrolled view                          │
//   │ Controls├──────────────────┬─────────────────────┤
//   │         │ Cell inspector   │ State heatmaps      │
//   │         │                  ├─────────────────────┤
//   │         │                  │ Gate heatmaps       │
//   │         │                  ├─────────────────────┤
//   │         │                  │ Unit traces         │
//   ├─────────┴──────────────────┴─────────────────────┤
//   │ transport: play, step, speed, timeline, status   │
//   └──────────────────────────────────────────────────┘
#pragma once

namespace unrolled::app {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool visible() const { return w > 0 && h > 0; }
};

struct PanelVisibility {
  bool controls = true, unrolled = true, inspector = true, states = true, gates = true, traces = true;
  float unrolled_rows = 4.4f;  // how tall the unrolled view wants to be, in rows (grows with layers)
};

struct Layout {
  Rect controls, unrolled, inspector, states, gates, traces, transport;
  // When the right column is too short for three readable panels (large --scale on a small
  // window), they share one tile as tabs instead: `tabs` is that tile and their rects are empty.
  // On a very narrow window (compact), the controls and the inspector join the tabs too.
  Rect tabs;
  bool compact = false;
};

// area: below the main menu bar. font_size: the scaled UI font, so margins grow with --scale.
Layout compute_layout(Rect area, const PanelVisibility& visible, float font_size);

// The Train workspace:
//   ┌─────────┬────────────────────────┬─────────────────────┐
//   │ Training│ Training curves        │ Forecast            │
//   │ settings│  loss (top)            │                     │
//   │ Train   │                        ├─────────────────────┤
//   │ Pause   │  grad norm │ lr        │ Gradient decay      │
//   │ Reset   │                        │                     │
//   ├─────────┴────────────────────────┴─────────────────────┤
//   │ status line: the last message                          │
//   └────────────────────────────────────────────────────────┘
// Hidden tiles give their room to the others; under ~62 characters of width everything but the
// status line shares one tabbed tile (`tabs`, compact).
struct TrainVisibility {
  bool panel = true, curves = true, forecast = true, decay = true;
};
struct TrainLayout {
  Rect panel, curves, forecast, decay, status;
  Rect tabs;
  bool compact = false;
};
TrainLayout compute_train_layout(Rect area, const TrainVisibility& visible, float font_size);

}  // namespace unrolled::app
