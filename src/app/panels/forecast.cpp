// Forecast: the series (truth), the model's one-step predictions (each sample from the T true values
// before it) and an autoregressive rollout (the model feeding on its own predictions) from a chosen
// start over a chosen horizon, all in the data's units and updated as the model trains. The
// validation part of the series is shaded; only that band is filled, since every filled pixel costs
// on a software renderer.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

void ForecastRangeControls(const ForecastView& fv, UiState& ui, CommandList& out) {
  const int N = static_cast<int>(fv.truth.size());
  // 0 in UiState = the session's default: from the split, over the validation part.
  int from = ui.train.rollout_from > 0 ? ui.train.rollout_from : fv.rollout_from;
  int horizon = ui.train.horizon > 0 ? ui.train.horizon : static_cast<int>(fv.rollout.size());
  const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  bool changed = false;
  ImGui::SetNextItemWidth(w);
  changed |= ImGui::SliderInt("##from", &from, 1, std::max(N, 1), "rollout from t = %d", ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the model starts feeding on its own predictions (the T values before it are true)");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  changed |= ImGui::SliderInt("##horizon", &horizon, 1, std::max(4 * N, 1), "horizon %d", ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How many samples the rollout predicts");
  if (changed) {
    ui.train.rollout_from = from;
    ui.train.horizon = horizon;
    out.push_back(cmd::SetForecast{from, horizon});
  }
}

void ForecastRangeButton(const ForecastView& fv, UiState& ui, CommandList& out) {
  const float fs = ImGui::GetFontSize();
  const float button_w = ImGui::CalcTextSize("range…").x + ImGui::GetStyle().FramePadding.x * 2;
  if (button_w + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
  if (ImGui::Button("range…")) ImGui::OpenPopup("##forecast_range");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the rollout starts, and how far it goes");
  if (ImGui::BeginPopup("##forecast_range")) {
    ImGui::Dummy(ImVec2(fs * 24.0f, 0));  // the sliders' width
    ForecastRangeControls(fv, ui, out);
    ImGui::EndPopup();
  }
}

void SetupForecastAxes(const ForecastView& fv, bool zoom, double x_max) {
  // The y label opens a title row, where the legend fits without covering the rollout.
  plot::SetupAxes("t (sample)", "data units", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer, plot::AxisFlags_AutoFit);
  if (zoom) plot::SetupAxisLimits(plot::Axis::X, std::max(0, std::min(fv.split, fv.rollout_from) - fv.steps), std::max(x_max, 1.0));
  else plot::SetupAxisLimits(plot::Axis::X, 0, std::max(x_max, 1.0));
}

void ForecastRegions(const ForecastView& fv, bool neutral) {
  const int N = static_cast<int>(fv.truth.size());
  const int S = fv.split;
  if (N <= 0 || S >= N) return;
  const float fs = ImGui::GetFontSize();
  plot::PlotShadedX(S - 0.5, N - 0.5, neutral ? IM_COL32(255, 255, 255, 14) : IM_COL32(230, 159, 0, 22));
  const ImU32 train_band = neutral ? IM_COL32(110, 112, 120, 255) : plot::Faded(plot::SeriesColor(0), 0.55f);
  const ImU32 val_band = neutral ? IM_COL32(205, 207, 215, 255) : plot::Faded(plot::SeriesColor(1), 0.7f);
  const ImVec2 p = plot::GetPlotPos(), sz = plot::GetPlotSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float split_px = plot::PlotToPixels(S - 0.5, 0).x;
  // Both parts also get a band along the top edge (blue training, orange validation): cheap to
  // fill, unlike a second full-height shade over the training part.
  const float band = std::max(3.0f, std::round(fs * 0.3f)), left = std::max(p.x, plot::PlotToPixels(-0.5, 0).x);
  if (split_px > left) dl->AddRectFilled(ImVec2(left, p.y), ImVec2(std::min(split_px, p.x + sz.x), p.y + band), train_band);
  if (split_px < p.x + sz.x)
    dl->AddRectFilled(ImVec2(std::max(split_px, p.x), p.y), ImVec2(std::min(plot::PlotToPixels(N - 0.5, 0).x, p.x + sz.x), p.y + band),
                      val_band);
  // Region names on a small dark plate, so the series passing behind them does not garble them.
  auto region = [&](float x, const char* text) {
    const ImVec2 ts = ImGui::CalcTextSize(text), a(x + fs * 0.3f, p.y + sz.y - ts.y - fs * 0.3f);
    dl->AddRectFilled(ImVec2(a.x - 2, a.y - 1), ImVec2(a.x + ts.x + 2, a.y + ts.y + 1), IM_COL32(27, 28, 32, 230), 2.0f);
    dl->AddText(a, ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
  };
  if (split_px - p.x > fs * 5) region(p.x, "training");
  if (p.x + sz.x - split_px > fs * 6) region(split_px, "validation");
}

namespace {
// A memory task has no series to forecast. The tile shows instead what the task asks: each validation
// window's answer at t = T against its target, the windows sorted by target. A network that remembers
// puts its answers on the target line; one that does not leaves them flat at the no-memory answer.
void TaskAnswersPanel(const TaskView& v) {
  const float fs = ImGui::GetFontSize();
  const int K = static_cast<int>(v.target.size());
  const char* what = v.task == MemoryTask::copy ? "x₁, the first input" : "v_a + v_b, the two marked values";
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s:%d — the target at t = %d is %s", memory_task_name(v.task), v.steps, v.steps, what);
  ImGui::PopTextWrapPos();
  char text[96];
  std::snprintf(text, sizeof text, "MSE %.3g", v.mse);
  ImGui::TextUnformatted(text);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("over the %d validation windows shown", K);
  std::snprintf(text, sizeof text, "no memory (always %g): %.3g", v.baseline_prediction, v.baseline_mse);
  if (ImGui::CalcTextSize(text).x + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
  ImGui::TextDisabled("%s", text);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The best a network without memory can do: always give the average answer. "
                      "An MSE near this one has learnt nothing.");

  char title[96];
  std::snprintf(title, sizeof title, "%d validation windows at step %lld###task", K, static_cast<long long>(v.at_step));
  if (plot::BeginPlot(title, ImVec2(-1, -1))) {
    plot::SetupAxes("window, sorted by its target", "y_T", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer,
                    plot::AxisFlags_AutoFit);
    plot::SetupAxisLimits(plot::Axis::X, 0, std::max(K - 1, 1));
    // The no-memory answer as a line across every window (a legend entry, unlike PlotHLine).
    plot::SetNextLineStyle(plot::Faded(plot::SeriesColor(1), 0.8f), 2.0f);
    const float flat[2] = {static_cast<float>(v.baseline_prediction), static_cast<float>(v.baseline_prediction)};
    plot::PlotLine("no memory", flat, 2, std::max(K - 1, 1));
    // The target over the answers, so the line shows through where they agree.
    plot::SetNextLineStyle(plot::SeriesColor(0));
    plot::PlotScatter("answer", v.prediction.data(), K);
    plot::SetNextLineStyle(colors::truth, 2.0f);
    plot::PlotLine("target", v.target.data(), K);
    plot::EndPlot();
  }
}
}  // namespace

void ForecastPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  if (snap.train->task) return TaskAnswersPanel(*snap.train->task);
  const ForecastView& fv = *snap.train->forecast;
  const float fs = ImGui::GetFontSize();
  const int N = static_cast<int>(fv.truth.size());
  // A short tile (a projector with a lesson beside it) keeps its height for the plot: the rollout's
  // range goes behind a button.
  const bool short_tile = ImGui::GetContentRegionAvail().y < fs * 13.0f;
  if (!short_tile) ForecastRangeControls(fv, ui, out);
  ImGui::Checkbox(short_tile ? "zoom###zoom" : "zoom to validation###zoom", &ui.train.forecast_zoom);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the validation part only");
  if (short_tile) ForecastRangeButton(fv, ui, out);
  // MSE readouts, each on this line when it fits (in a short tile both on one line).
  char text[64];
  if (short_tile) {
    if (std::isfinite(fv.rollout_mse)) std::snprintf(text, sizeof text, "MSE one-step %.3g · rollout %.3g", fv.one_step_mse, fv.rollout_mse);
    else std::snprintf(text, sizeof text, "MSE one-step %.3g", fv.one_step_mse);
    if (ImGui::CalcTextSize(text).x + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
    TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], text, ImGui::GetContentRegionAvail().x);
  } else {
    std::snprintf(text, sizeof text, "one-step MSE %.3g", fv.one_step_mse);
    if (ImGui::CalcTextSize(text).x + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
    ImGui::TextDisabled("%s", text);
  }
  if (!short_tile && std::isfinite(fv.rollout_mse)) {
    std::snprintf(text, sizeof text, "rollout MSE %.3g", fv.rollout_mse);
    if (ImGui::CalcTextSize(text).x + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
    ImGui::TextDisabled("%s", text);
  }

  const int K = static_cast<int>(fv.rollout.size());
  const double x_max = std::max<double>(N, fv.rollout_from + K) - 1;
  if (plot::BeginPlot("##forecast", ImVec2(-1, -1))) {
    SetupForecastAxes(fv, ui.train.forecast_zoom, x_max);
    ForecastRegions(fv);
    plot::SetNextLineStyle(colors::truth, 1.5f);
    plot::PlotLine("truth", fv.truth.data(), N);
    // The thick rollout below the thin one-step line, so both stay visible where they agree.
    plot::SetNextLineStyle(plot::SeriesColor(1), 3.0f);
    plot::PlotLine("rollout", fv.rollout.data(), K, 1.0, fv.rollout_from);
    plot::SetNextLineStyle(plot::SeriesColor(0), 1.5f);
    plot::PlotLine("one-step", fv.one_step.data(), static_cast<int>(fv.one_step.size()));
    if (K > 0) plot::PlotVLine(fv.rollout_from, plot::Faded(plot::SeriesColor(1), 0.6f), 1.0f);
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
