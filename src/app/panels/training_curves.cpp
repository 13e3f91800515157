// Training curves: the mini-batch loss (raw, faded, and smoothed with TensorBoard's slider), the
// validation loss per epoch, on a log or linear y axis against step, epoch or training time; below,
// the gradient norm before clipping (with the clipping threshold) and the learning rate, when the tile
// is tall enough for three plots. The
// histories are decimated by the session (≤ 4096 points) and drawn at most a few points per pixel
// column by the plot layer. When the run diverged, a banner says what happened and what to try.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "app/look/marks.hpp"
#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

const char* CurveAxisLabel(CurveAxis a) { return a == CurveAxis::step ? "step" : a == CurveAxis::epoch ? "epoch" : "seconds"; }

double CurveX(CurveAxis a, std::int64_t step, double seconds, int steps_per_epoch) {
  if (a == CurveAxis::step) return static_cast<double>(step);
  if (a == CurveAxis::epoch) return steps_per_epoch > 0 ? static_cast<double>(step) / steps_per_epoch : 0.0;
  return seconds;
}

int CurveXFlags(CurveAxis a) {
  return a == CurveAxis::time ? plot::AxisFlags_AutoFit : plot::AxisFlags_AutoFit | plot::AxisFlags_Integer;
}

void PlotEmptyHint(const char* text) {
  const ImVec2 p = plot::GetPlotPos(), s = plot::GetPlotSize();
  CenteredText(ImGui::GetWindowDrawList(), ImVec2(p.x + s.x * 0.5f, p.y + s.y * 0.5f),
               ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
}

RunButtons RunSettingsFoot(const std::string& error, bool changed, TrainState state, const char* apply_tip) {
  RunButtons b;
  const float fs = ImGui::GetFontSize();
  const bool idle = state == TrainState::idle, running = state == TrainState::running;
  if (!error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", error.c_str());
    ImGui::PopTextWrapPos();
  } else if (changed) {
    b.apply = ImGui::Button(idle ? "Build the model" : "Apply: a new model", ImVec2(-1, 0));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", apply_tip);
  }
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  ImGui::PushStyleColor(ImGuiCol_Button, running ? ImVec4(0.55f, 0.42f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.28f, 1));
  b.train_or_pause = ImGui::Button(running ? "Pause (Shift+T)" : "Train (T)", ImVec2(half, fs * 1.8f));
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::BeginDisabled(idle);
  b.reset = ImGui::Button("Reset (R)", ImVec2(-1, fs * 1.8f));
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to step 0 with the seed's weights: the same run again");
  return b;
}

void CurveControls(UiState& ui) {
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("x");
  ImGui::SameLine();
  int axis = static_cast<int>(ui.train.curve_axis);
  static const char* const axes[] = {"step", "epoch", "time"};
  ImGui::SetNextItemWidth(fs * 5.5f);
  if (ImGui::Combo("##curve_axis", &axis, axes, 3)) ui.train.curve_axis = static_cast<CurveAxis>(axis);
  ImGui::SameLine(0, fs);
  ImGui::Checkbox("log y", &ui.train.log_loss);
  // The smoothing slider: labelled beside the checkbox when there is room, else the label goes into
  // the slider, on this line or (a projector's narrow tile) the next.
  const char* format = "%.2f";
  if (RemainingOnLine() >= ImGui::CalcTextSize("smoothing").x + fs * 5.0f) {
    ImGui::SameLine(0, fs);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("smoothing");
    ImGui::SameLine();
  } else {
    format = "smoothing %.2f";
    if (RemainingOnLine() >= ImGui::CalcTextSize("smoothing 0.00").x + fs * 2.0f) ImGui::SameLine(0, fs);
  }
  ImGui::SetNextItemWidth(std::max(fs * 4.0f, ImGui::GetContentRegionAvail().x));
  ImGui::SliderFloat("##smoothing", &ui.train.smoothing, 0.0f, 0.99f, format);
  FlashLessonSlider(ui, "smoothing");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exponential moving average of the train loss (0 = raw only), as TensorBoard's slider");
}

namespace {

struct Series {
  std::vector<float> x, y;
};

// Divergence: what happened, what to try, and one-click fixes that apply new settings.
void DivergenceBanner(const TrainView& tv, UiState& ui, CommandList& out) {
  const float fs = ImGui::GetFontSize();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.10f, 0.09f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.9f, 0.35f, 0.3f, 1.0f));
  const float wrap = ImGui::GetContentRegionAvail().x - fs;
  const float text_h = ImGui::CalcTextSize(tv.message.c_str(), nullptr, false, wrap).y;
  ImGui::BeginChild("##diverged", ImVec2(0, text_h + ImGui::GetFrameHeightWithSpacing() * 2 + fs * 0.6f), true,
                    ImGuiWindowFlags_NoScrollbar);
  ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.7f, 1), "Training diverged at step %lld: the weights are the last good ones.",
                     static_cast<long long>(tv.divergence_step));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(tv.message.c_str());
  ImGui::PopTextWrapPos();
  TrainSettings s = tv.settings;
  if (ImGui::Button("Lower the learning rate ×0.3 and restart")) {
    s.trainer.optimizer.lr *= 0.3;
    ui.train.edit = s;
    out.push_back(cmd::ConfigureTraining{s});
    out.push_back(cmd::Train{});
  }
  if (s.trainer.clip <= 0) {
    ImGui::SameLine();
    if (ImGui::Button("Clip at 1.0 and restart")) {
      s.trainer.clip = 1.0;
      ui.train.edit = s;
      out.push_back(cmd::ConfigureTraining{s});
      out.push_back(cmd::Train{});
    }
  }
  ImGui::EndChild();
  ImGui::PopStyleColor(2);
}

}  // namespace

void TrainingCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TrainView& tv = *snap.train;
  const float fs = ImGui::GetFontSize();
  if (tv.state == TrainState::diverged && !tv.message.empty()) DivergenceBanner(tv, ui, out);

  CurveControls(ui);

  const std::vector<StepPoint>& steps = *tv.steps;
  const std::vector<EpochPoint>& epochs = *tv.epochs;
  const int spe = tv.steps_per_epoch;
  const std::size_t n = steps.size();
  Series raw, smooth, grad, lr, val;
  std::vector<double> loss(n);
  raw.x.resize(n);
  raw.y.resize(n);
  grad.y.resize(n);
  lr.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const StepPoint& p = steps[i];
    raw.x[i] = static_cast<float>(CurveX(ui.train.curve_axis, p.step, p.seconds, spe));
    raw.y[i] = static_cast<float>(p.loss);
    loss[i] = p.loss;
    grad.y[i] = static_cast<float>(p.grad_norm);
    lr.y[i] = static_cast<float>(p.lr);
  }
  const std::vector<double> sm = plot::smooth_ema(loss.data(), n, ui.train.smoothing);
  smooth.y.assign(sm.begin(), sm.end());
  for (const EpochPoint& p : epochs) {
    val.x.push_back(static_cast<float>(ui.train.curve_axis == CurveAxis::epoch ? p.epoch : CurveX(ui.train.curve_axis, p.step, p.seconds, spe)));
    val.y.push_back(static_cast<float>(p.val_mse));
  }
  const char* xl = CurveAxisLabel(ui.train.curve_axis);
  const int xflags = CurveXFlags(ui.train.curve_axis);
  const int count = static_cast<int>(n);
  const double diverged_x = CurveX(ui.train.curve_axis, tv.divergence_step, tv.seconds, spe);

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // A short tile (a projector with a lesson beside it) gives the loss all of its height: the gradient
  // norm and the learning rate need a taller one.
  const bool small_plots = avail.y >= fs * 19.0f;
  const float small_h = small_plots ? std::max(fs * 7.0f, std::round(avail.y * 0.36f)) : -ImGui::GetStyle().ItemSpacing.y;
  const ImU32 train_col = plot::SeriesColor(0), val_col = plot::SeriesColor(1);
  // A series is normalised before training; a memory task is not (its MSE is in the task's units).
  const char* loss_title = tv.task ? "Loss (MSE, the task's units)###loss" : "Loss (MSE, normalised)###loss";
  // In a short tile the legend takes the title's line (names short enough to fit there), rather than
  // a box over the curves.
  if (plot::BeginPlot(loss_title, ImVec2(avail.x, avail.y - small_h - ImGui::GetStyle().ItemSpacing.y),
                      small_plots ? 0 : plot::PlotFlags_NoTitle)) {
    plot::SetupAxes(xl, small_plots ? nullptr : "MSE", xflags, plot::AxisFlags_AutoFit);
    if (ui.train.log_loss) plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    if (n == 0) plot::SetupAxisLimits(plot::Axis::X, 0, 1);
    if (ui.train.smoothing > 0) {
      plot::SetNextLineStyle(plot::Faded(train_col, 0.3f), 1.0f);
      plot::PlotLine(small_plots ? "train (raw)" : "raw", raw.x.data(), raw.y.data(), count);
    }
    plot::SetNextLineStyle(train_col, 2.0f);
    plot::PlotLine(ui.train.smoothing > 0 ? (small_plots ? "train (smoothed)" : "smoothed") : "train", raw.x.data(),
                   ui.train.smoothing > 0 ? smooth.y.data() : raw.y.data(), count);
    plot::SetNextLineStyle(val_col, 2.5f);
    plot::PlotLine("validation", val.x.data(), val.y.data(), static_cast<int>(val.x.size()));
    if (tv.state == TrainState::diverged) plot::PlotVLine(diverged_x, IM_COL32(235, 90, 70, 220), 2.0f);
    if (n == 0) PlotEmptyHint("Press T (or Train) to start training");
    plot::EndPlot();
  }
  if (!small_plots) return;
  const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  const char* grad_title = ImGui::CalcTextSize("gradient norm ‖g‖ before clipping").x + fs < half
                               ? "gradient norm ‖g‖ before clipping###grad"
                               : "‖g‖ before clipping###grad";
  if (plot::BeginPlot(grad_title, ImVec2(half, small_h), plot::PlotFlags_NoLegend)) {
    plot::SetupAxes(xl, nullptr, xflags, plot::AxisFlags_AutoFit);
    plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    if (n == 0) plot::SetupAxisLimits(plot::Axis::X, 0, 1);
    plot::SetNextLineStyle(plot::SeriesColor(2), 1.5f);
    plot::PlotLine("‖g‖", raw.x.data(), grad.y.data(), count);
    if (tv.settings.trainer.clip > 0) {
      plot::PlotHLine(tv.settings.trainer.clip, plot::Faded(plot::SeriesColor(3), 0.8f), 1.5f);
      const ImVec2 p = plot::PlotToPixels(n ? raw.x.front() : 0.0, tv.settings.trainer.clip);
      if (p.y > plot::GetPlotPos().y + fs && p.y < plot::GetPlotPos().y + plot::GetPlotSize().y)
        ImGui::GetWindowDrawList()->AddText(ImVec2(plot::GetPlotPos().x + fs * 0.3f, p.y - fs * 1.1f),
                                            plot::SeriesColor(3), "clip");
    }
    plot::EndPlot();
  }
  ImGui::SameLine();
  if (plot::BeginPlot("learning rate", ImVec2(-1, small_h), plot::PlotFlags_NoLegend)) {
    plot::SetupAxes(xl, nullptr, xflags, plot::AxisFlags_AutoFit);
    plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    if (n == 0) plot::SetupAxisLimits(plot::Axis::X, 0, 1);
    plot::SetNextLineStyle(plot::SeriesColor(4), 2.0f);
    plot::PlotLine("lr", raw.x.data(), lr.y.data(), count);
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
