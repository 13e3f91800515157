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

// The Compare workspace (cells trained side by side):
//   ┌─────────┬────────────────────────┬─────────────────────┐
//   │ Compare │ Loss curves            │ Forecasts           │
//   │ cells,  │  training (top)        │                     │
//   │ Train,  │  validation (bottom)   ├─────────────────────┤
//   │ shared  │                        │ Gradient decay      │
//   │ settings├────────────────────────┴─────────────────────┤
//   │         │ table: cell, parameters, steps/s, losses, …  │
//   ├─────────┴──────────────────────────────────────────────┤
//   │ status line                                            │
//   └────────────────────────────────────────────────────────┘
// The table is as tall as its rows (a header and `table_rows` cells). Hidden tiles give their room to
// the others; under ~62 characters of width the table keeps the bottom and everything else shares one
// tabbed tile above it (`tabs`, compact): at a projector the numbers stay in view.
struct CompareVisibility {
  bool panel = true, curves = true, forecast = true, decay = true, table = true;
};
struct CompareLayout {
  Rect panel, curves, forecast, decay, table, status;
  Rect tabs;
  bool compact = false;
};
// Height of the table tile for `rows` cells: title bar, header row, one row per cell.
float compare_table_height(int rows, float font_size);
CompareLayout compute_compare_layout(Rect area, const CompareVisibility& visible, float font_size, int table_rows = 3);

// The bar along the bottom of a workspace: the Step workspace's transport (a row taller when the
// window is under 80 characters wide), and the one status line of the others.
float transport_height(float width, float font_size);
float status_line_height(float font_size);

// A lesson open: its panel is a column at the right, from below the menu bar down to the workspace's
// bar along the bottom (`bottom_h` tall), which keeps the window's full width; the workspace lays
// its tiles out in the rest. The column is 22–28 characters wide when that leaves the workspace its
// tiled arrangement (at least tiled_min_width_em characters); when the workspace would be tabbed
// anyway (a large --scale on a small screen), the lesson's text gets half the width (12–24
// characters, at most 60%), so it stays readable from the back of a room.
inline constexpr float tiled_min_width_em = 62.0f;  // narrower workspaces switch to tabs (compact)
struct LessonSplit {
  Rect tiles, lesson, bottom;  // the workspace's tiles, the lesson's column, the full-width bottom bar
};
LessonSplit split_lesson_column(Rect area, float font_size, float bottom_h);

// Presentation: in a compact workspace (a large scale on a small window: a projector at 1280x800),
// one panel takes the stage in its own tile and the workspace's other panels are tabs of one tile
// beside it — side by side when the area is at least `stage_side_by_side_em` characters wide, else
// the stage above the tabs (`stage_h` tall when given, else 55%). A lesson step or a number key brings
// a tab forward (workspace_table.cpp chooses which panel is on stage).
inline constexpr float stage_side_by_side_em = 36.0f;
struct Stage {
  Rect stage, tabs;
};
Stage compute_stage(Rect area, float font_size, float stage_h = 0);

// The Gradient lab:
//   ┌──────────┬──────────────────────────────┬────────────────────────┐
//   │ Gradient │ ‖dL/dhₜ‖ against t (log y),  │ Clipping: loss of the  │
//   │ lab:     │ the guide ρ^(T−t), readouts  │ clipped and unclipped  │
//   │ ρ, f, H, │ ("vanishing: ×0.8 per step") │ runs; below, their ‖g‖ │
//   │ T, seed, │                              │ and the threshold      │
//   │ clipping │                              │                        │
//   ├──────────┴──────────────────────────────┴────────────────────────┤
//   │ status line                                                      │
//   └──────────────────────────────────────────────────────────────────┘
// The clipping tile is shown while the clipping comparison is switched on; hidden tiles give their room
// to the others; under ~62 characters of width everything but the status line shares one tabbed tile.
struct LabVisibility {
  bool panel = true, decay = true, clipping = true;
};
struct LabLayout {
  Rect panel, decay, clipping, status;
  Rect tabs;
  bool compact = false;
};
LabLayout compute_lab_layout(Rect area, const LabVisibility& visible, float font_size);

// The Text workspace:
//   ┌──────────┬───────────────────────┬──────────────────────────┐
//   │ Text and │ bits per character    │ samples as it learns     │
//   │ model:   │ (train, validation,   │ (step 0, 100, 200, …)    │
//   │ corpus,  │ the unigram baseline) │                          │
//   │ sizes,   ├───────────────────────┴─────────────┬────────────┤
//   │ Train,   │ reading view: a validation passage    │ find the   │
//   │ sampling │ coloured by one unit, five guesses    │ units      │
//   │          ├───────────────────────────────────────┴────────────┤
//   │          │ connectivity (when shown): RNN, LSTM, GRU rows     │
//   ├──────────┴──────────────────────────────────────────────────┤
//   │ status line                                                 │
//   └─────────────────────────────────────────────────────────────┘
// Hidden tiles give their room to the others; under ~62 characters of width everything but the status
// line shares one tabbed tile (compact: the presentation layout).
struct TextVisibility {
  bool panel = true, curves = true, samples = true, reading = true, units = true, connectivity = true;
};
struct TextLayout {
  Rect panel, curves, samples, reading, units, connectivity, status;
  Rect tabs;
  bool compact = false;
};
TextLayout compute_text_layout(Rect area, const TextVisibility& visible, float font_size);

// The Seq2seq workspace:
//   ┌──────────┬───────────────┬─────────────────────┬─────────────────┐
//   │ Task and │ loss, token   │ attention heatmap   │ the bottleneck: │
//   │ model:   │ and sequence  │ (source × target)   │ accuracy by     │
//   │ task,    │ accuracy      │                     │ source length   │
//   │ sizes,   ├───────────────┴──────────┬──────────┴─────────────────┤
//   │ Train    │ decoding step by step    │ beam search tree            │
//   ├──────────┴──────────────────────────┴─────────────────────────────┤
//   │ status line                                                        │
//   └────────────────────────────────────────────────────────────────────┘
// Hidden tiles give their room to the others; under ~62 characters of width everything but the status
// line shares one tabbed tile (compact: the presentation layout).
struct Seq2seqVisibility {
  bool panel = true, curves = true, attention = true, bottleneck = true, steps = true, beam = true;
};
struct Seq2seqLayout {
  Rect panel, curves, attention, bottleneck, steps, beam, status;
  Rect tabs;
  bool compact = false;
};
Seq2seqLayout compute_seq2seq_layout(Rect area, const Seq2seqVisibility& visible, float font_size);

}  // namespace unrolled::app
