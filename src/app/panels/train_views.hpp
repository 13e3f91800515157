// Pieces the Train and Compare workspaces (and the Text and Seq2seq settings columns) share, so one run's views and the side-by-side views read
// and behave the same: the curves' controls and x axis, the forecast's range controls, axes and
// shaded parts, and the gradient-decay plot's axes and note. Each is defined next to the panel it
// came from (training_curves.cpp, forecast.cpp, gradient_decay.cpp).
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>

#include "app/session/training.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// A run's state as a colour: green training, amber paused, red diverged, blue ended, grey ready.
ImVec4 TrainStateColor(TrainState state);

// Training curves. x of a point on the chosen axis: steps are converted to (fractional) epochs so
// step and epoch histories share one axis; time is the run's own training time.
double CurveX(CurveAxis axis, std::int64_t step, double seconds, int steps_per_epoch);
const char* CurveAxisLabel(CurveAxis axis);  // "step", "epoch", "seconds"
int CurveXFlags(CurveAxis axis);             // plot::AxisFlags for that x axis
// One row: x axis (step, epoch, time), log y, and the smoothing slider (UiState's, shared).
void CurveControls(UiState& ui);
// Centred in the current plot's data area, dimmed: what to do to fill an empty plot.
void PlotEmptyHint(const char* text);

// The foot of a workspace's settings column (Text, Seq2seq): the settings' error in red, or, when they
// differ from the run's, a button that builds (idle) or replaces the run with them; then Train (T) or
// Pause (Shift+T) and Reset (R). What was pressed comes back.
struct RunButtons {
  bool apply = false, train_or_pause = false, reset = false;
};
RunButtons RunSettingsFoot(const std::string& error, bool changed, TrainState state, const char* apply_tip);

// Forecast. The rollout's start and horizon (sliders; SetForecast goes to every run), defaults from
// `fv` (the session's: from the validation split, over the validation part).
void ForecastRangeControls(const ForecastView& fv, UiState& ui, CommandList& out);
// In a short tile: a "range…" button on the current line (when it fits) that opens those sliders in a popup.
void ForecastRangeButton(const ForecastView& fv, UiState& ui, CommandList& out);
// Axes of a forecast plot in data units; x over the whole series (or, zoomed, from just before the
// validation part and the rollout's start) up to x_max.
void SetupForecastAxes(const ForecastView& fv, bool zoom, double x_max);
// The validation part shaded, a band along the top marking training (blue) and validation (orange),
// and the parts' names. Inside BeginPlot, after the axes are set up. `neutral`: in greys, where blue
// and orange already name cells (Compare workspace).
void ForecastRegions(const ForecastView& fv, bool neutral = false);

// Gradient decay. What the curve's shape means for this loss mode, on the current line when it fits,
// else behind a "(?)".
void DecayLossNote(LossMode loss);
// A plot of ‖dL/dhₜ‖ against t = 1…T on a log axis; EndPlot when true. A y label (instead of a
// title) leaves the legend its row at the top, clear of the lines that climb towards t = T.
bool BeginDecayPlot(const char* title_id, int T, const char* y_label = nullptr);

}  // namespace unrolled::app
