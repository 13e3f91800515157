// Shared by the two heatmap panels: one units × time heatmap plot with its colour scale, the
// current step marked, and a hover readout in the panel's own words (unit, t, value).
#pragma once
#include "app/plot/plot.hpp"
#include "app/session/snapshot.hpp"

namespace unrolled::app {

struct HeatmapSpec {
  const char* title;       // plot title (also the ImGui id)
  const char* value_name;  // "h", "c", "dL/dh", "i", …, for the tooltip
  const Grid* grid;        // units × columns
  int first_t;             // the step of column 0 (0 for h/c with h₀, 1 for gates and gradients)
  int shown_from, shown_to;  // steps computed so far; others are drawn as "not yet"
  double vmin, vmax;
  plot::Colormap colormap;
  int marker_t;            // the current step, marked with a line (−1: none)
  bool x_label;            // label the time axis (only the bottom plot)
  const char* explain;     // one sentence, shown under the hover readout
};

// Draws the heatmap in `size` (the colour scale included when with_scale).
void UnitTimeHeatmap(const HeatmapSpec& spec, ImVec2 size, bool with_scale);

}  // namespace unrolled::app
