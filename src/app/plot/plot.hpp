// The project's own plotting layer, shaped like ImPlot's API (which is not packaged on Debian):
//
//   if (plot::BeginPlot("h_t of unit 3", size)) {
//     plot::SetupAxes("t", "h", plot::AxisFlags_None, plot::AxisFlags_AutoFit);
//     plot::SetupAxisLimits(plot::Axis::X, 0, T);
//     plot::PlotLine("unit 3", ys, count);              // offset + stride read ring buffers
//     plot::PlotHeatmap("h", values, rows, cols, -1, 1, plot::Colormap::diverging, {0, T}, {H, 0});
//     ImVec2 p = plot::PlotToPixels(t, 0);
//     plot::EndPlot();
//   }
//
// Ticks on nice numbers, linear or log10 axes, axis labels, a legend, a hover readout and auto-fit
// (from the previous frame's data, as ImPlot does). Heatmaps are row-major, row 0 at the top, and are
// drawn by a renderer the app registers (a GL texture + shader); without one they fall back to
// ImGui rectangles. The math lives in plot_math.hpp.
#pragma once
#include <imgui.h>

#include "app/plot/plot_math.hpp"

namespace unrolled::plot {

enum PlotFlags_ {
  PlotFlags_None = 0,
  PlotFlags_NoLegend = 1 << 0,
  PlotFlags_NoHoverReadout = 1 << 1,  // the caller shows its own tooltip
  PlotFlags_NoTitle = 1 << 2,
  PlotFlags_LegendRowOnly = 1 << 3,  // the legend only as a row on the title line; left out where it does
                                     // not fit there (the caller shows the colours' key elsewhere)
};
enum AxisFlags_ {
  AxisFlags_None = 0,
  AxisFlags_AutoFit = 1 << 0,       // fit the data each frame
  AxisFlags_NoTickLabels = 1 << 1,
  AxisFlags_NoGrid = 1 << 2,
  AxisFlags_Integer = 1 << 3,       // ticks on whole numbers only (units, steps)
};
enum class Axis { X, Y };

struct Point {
  double x = 0, y = 0;
};

// A heatmap, ready to draw into [p0, p1] (screen pixels). values: rows × cols, row-major, row 0 at
// the top; NaN cells are "not computed yet" and drawn as background.
struct HeatmapDraw {
  ImVec2 p0, p1;
  const float* values = nullptr;
  int rows = 0, cols = 0;
  float scale_min = 0, scale_max = 1;
  Colormap colormap = Colormap::viridis;
};
using HeatmapRenderer = void (*)(ImDrawList* draw_list, const HeatmapDraw& heatmap);
void SetHeatmapRenderer(HeatmapRenderer renderer);

bool BeginPlot(const char* title_id, ImVec2 size = ImVec2(-1, 0), int flags = PlotFlags_None);
void SetupAxes(const char* x_label, const char* y_label, int x_flags = AxisFlags_AutoFit,
               int y_flags = AxisFlags_AutoFit);
void SetupAxisScale(Axis axis, Scale scale);
void SetupAxisLimits(Axis axis, double min, double max);  // fixed limits (turns auto-fit off)
void SetupAxisTicks(Axis axis, int target_count);         // about this many labelled ticks

void SetNextLineStyle(ImU32 color, float thickness = -1.0f);
// The next item is drawn and hovered but not listed in the legend (e.g. faded earlier snapshots).
void HideNextItemFromLegend();
// ys against x = x0 + i·xscale, i = 0…count−1.
void PlotLine(const char* label, const float* ys, int count, double xscale = 1.0, double x0 = 0.0,
              int offset = 0, int stride = sizeof(float));
void PlotLine(const char* label, const float* xs, const float* ys, int count, int offset = 0,
              int stride = sizeof(float));
// ys in double against x = x0 + i·xscale: values beyond float's range (an exploding gradient's norm).
void PlotLine(const char* label, const double* ys, int count, double xscale = 1.0, double x0 = 0.0);
// Scatter points (markers only), same reading rules as PlotLine.
void PlotScatter(const char* label, const float* ys, int count, double xscale = 1.0, double x0 = 0.0);
// values rows × cols row-major; the grid spans x in [x.min, x.max] and y from y.max (row 0) down
// to y.min (last row).
void PlotHeatmap(const char* label, const float* values, int rows, int cols, double scale_min,
                 double scale_max, Colormap colormap, Range x, Range y);
void PlotVLine(double x, ImU32 color, float thickness = 2.0f);
void PlotHLine(double y, ImU32 color, float thickness = 1.0f);
void PlotShadedX(double x0, double x1, ImU32 color);  // a full-height band

ImVec2 PlotToPixels(double x, double y);
Point PixelsToPlot(ImVec2 pixel);
Point GetPlotMousePos();
bool IsPlotHovered();
ImVec2 GetPlotPos();   // top-left of the data area
ImVec2 GetPlotSize();
// After PlotHeatmap: the cell under the mouse, if any.
bool GetHoveredHeatmapCell(int* row, int* col, float* value);
void EndPlot();

// A vertical (or horizontal) bar showing a colormap from min to max with ticks.
void ColormapScale(const char* label, double min, double max, ImVec2 size, Colormap colormap,
                   bool horizontal = false);
// The width a vertical ColormapScale from min to max needs for its bar and its widest label.
float ColormapScaleWidth(double min, double max);

// How heavy every plot draws its lines and grid (the app's theme sets it; projector mode is heavier).
struct Style {
  float line_weight = 1.0f;  // multiplies every line's thickness
  float grid_alpha = 0.10f;  // major grid lines: the text colour at this alpha (minor: half of it)
  float fade_floor = 0.0f;   // Faded(c, a) uses floor + (1 − floor)·a: faded lines stay visible on black
};
void SetStyle(const Style& style);
const Style& GetStyle();

// Line colours for series i: Okabe–Ito's colour-blind-safe palette (plot_math okabe_ito).
ImU32 SeriesColor(int i);
// The same colour with its alpha multiplied (earlier snapshots drawn as faded lines), lifted by
// Style::fade_floor.
ImU32 Faded(ImU32 color, float alpha);

}  // namespace unrolled::plot
