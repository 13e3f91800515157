// The Compare workspace: 2–3 cells (RNN, LSTM, GRU) trained together on the same data, seed and
// settings, differing only in the cell (session compare mode, TrainView::compare). Each cell has one
// fixed colour (colors::cell) in every plot and in the table: overlaid training and validation
// losses, forecasts, gradient decay across time, and a table of parameters, speed and losses. The
// plots are built from the same pieces as the Train workspace's (train_views.hpp).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/compare_views.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace {

constexpr CellKind all_cells[] = {CellKind::rnn, CellKind::lstm, CellKind::gru};

bool SameCells(const CompareView& cv, const std::vector<CellKind>& cells) {
  if (cv.runs.size() != cells.size()) return false;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (cv.runs[i].cell != cells[i]) return false;
  return true;
}

// Checkboxes for the cells, each in its colour.
void CellPicker(UiState& ui) {
  for (CellKind c : all_cells) {
    const ImVec4 col = ImGui::ColorConvertU32ToFloat4(colors::cell(c));
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, col);
    ImGui::Checkbox(CellLabel(c, Nonlinearity::tanh), &ui.compare.pick[static_cast<std::size_t>(c)]);
    ImGui::PopStyleColor(2);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", CellBlocks(c));
    if (c != CellKind::gru) ImGui::SameLine(0, ImGui::GetFontSize() * 1.2f);
  }
}

// One read-only setting: name in the left column, value after it.
void SettingRow(float label_w, const char* name, const char* value) {
  ImGui::TextDisabled("%s", name);
  ImGui::SameLine(label_w);
  ImGui::TextUnformatted(value);
}

void SharedSettings(const TrainView& tv, UiState& ui) {
  const TrainSettings& s = tv.settings;
  const TrainerConfig& t = s.trainer;
  const float fs = ImGui::GetFontSize();
  const float label_w = ImGui::CalcTextSize("Learning rate").x + fs * 0.8f;
  char v[128];
  std::snprintf(v, sizeof v, "%d", t.model.hidden_size);
  SettingRow(label_w, "Hidden H", v);
  std::snprintf(v, sizeof v, "%d", t.model.num_layers);
  SettingRow(label_w, "Layers", v);
  std::snprintf(v, sizeof v, "%d, loss on %s", s.split.steps, s.split.loss == LossMode::last ? "the last step" : "every step");
  SettingRow(label_w, "Sequence T", v);
  std::snprintf(v, sizeof v, "%d", t.batch);
  SettingRow(label_w, "Batch", v);
  std::snprintf(v, sizeof v, "%.3g (%s)", t.optimizer.lr, t.optimizer.kind == OptimizerKind::adam ? "Adam" : "SGD");
  SettingRow(label_w, "Learning rate", v);
  if (t.clip > 0) std::snprintf(v, sizeof v, "at ‖g‖ = %.3g", t.clip);
  else std::snprintf(v, sizeof v, "off");
  SettingRow(label_w, "Clipping", v);
  std::snprintf(v, sizeof v, "%d", t.epochs);
  SettingRow(label_w, "Epochs", v);
  std::snprintf(v, sizeof v, "%llu", static_cast<unsigned long long>(t.seed));
  SettingRow(label_w, "Seed", v);
  ImGui::TextDisabled("Data");
  ImGui::SameLine(label_w);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(tv.data_description.c_str());
  ImGui::PopTextWrapPos();
  if (ImGui::Button("Change in the Train workspace", ImVec2(-1, 0))) ui.workspace = Workspace::train;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Applying new settings there rebuilds the comparison with them, at step 0");
}

// Titles of the empty plots: what to do to fill them.
const char* EmptyText(const CompareView* cv) {
  return cv ? "Press T (or Train) to train them together" : "Choose the cells and press Start (T)";
}

}  // namespace

// "RNN", "LSTM", "GRU" (the RNN's relu, when the settings use it, is named).
const char* CellLabel(CellKind c, Nonlinearity nl) {
  if (c == CellKind::rnn) return nl == Nonlinearity::relu ? "RNN (relu)" : "RNN";
  return c == CellKind::lstm ? "LSTM" : "GRU";
}

// The smoothed training loss of a run, as the curve draws it (TensorBoard's EMA, UiState::smoothing).
std::vector<double> SmoothedLoss(const CompareRunView& r, float smoothing) {
  std::vector<double> loss(r.steps->size());
  for (std::size_t i = 0; i < loss.size(); ++i) loss[i] = (*r.steps)[i].loss;
  return plot::smooth_ema(loss.data(), loss.size(), smoothing);
}

// Why the parameter counts differ: one block of weights per gate.
const char* CellBlocks(CellKind c) {
  switch (c) {
    case CellKind::rnn: return "1 block of weights per layer (the tanh update only)";
    case CellKind::lstm: return "4 blocks of weights per layer (gates i, f, g, o): 4× the RNN's";
    case CellKind::gru: return "3 blocks of weights per layer (gates r, z, n): 3× the RNN's";
  }
  return "";
}


std::vector<CellKind> PickedCells(const UiState& ui) {
  std::vector<CellKind> cells;
  for (CellKind c : all_cells)
    if (ui.compare.pick[static_cast<std::size_t>(c)]) cells.push_back(c);
  return cells;
}

bool StartComparison(UiState& ui, CommandList& out) {
  const std::vector<CellKind> cells = PickedCells(ui);
  if (std::string e = validate_compare_cells(cells); !e.empty()) {
    ui.notice = e;  // nothing is sent: a Train alone would start the Train workspace's run instead
    ui.notice_is_error = true;
    return false;
  }
  out.push_back(cmd::StartCompare{cells});
  out.push_back(cmd::Train{});
  return true;
}

void ComparePanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TrainView& tv = *snap.train;
  const CompareView* cv = tv.compare.get();
  const float fs = ImGui::GetFontSize();
  const float button_h = fs * 1.8f;

  ImGui::TextUnformatted("Cells, trained side by side:");
  CellPicker(ui);
  const std::vector<CellKind> picked = PickedCells(ui);
  const std::string pick_error = validate_compare_cells(picked);

  if (!cv || !SameCells(*cv, picked)) {
    // Start (or restart with another choice of cells).
    ImGui::BeginDisabled(!pick_error.empty());
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.28f, 1));
    const char* label = cv ? "Restart with these cells" : "Start comparison (T)";
    if (ImGui::Button(label, ImVec2(-1, button_h))) StartComparison(ui, out);
    ImGui::PopStyleColor();
    ImGui::EndDisabled();
    if (!pick_error.empty()) ImGui::TextColored(ErrorColor(), "Choose 2 or 3 cells.");
    else if (cv) ImGui::TextDisabled("(the comparison below starts again at step 0)");
  }
  if (cv) {
    const bool running = cv->running();
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::PushStyleColor(ImGuiCol_Button, running ? ImVec4(0.55f, 0.42f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.28f, 1));
    if (ImGui::Button(running ? "Pause (Shift+T)" : "Train (T)", ImVec2(half, button_h)))
      out.push_back(running ? Command{cmd::PauseTraining{}} : Command{cmd::Train{}});
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Reset (R)", ImVec2(-1, button_h))) out.push_back(cmd::ResetTraining{});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every cell back to step 0 with the seed's initial weights: the same runs again");
    if (ImGui::Button("Stop comparing", ImVec2(-1, 0))) out.push_back(cmd::StopCompare{});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ends compare mode: T, Shift+T and R act on the Train workspace's run again");
    std::int64_t step = 0;
    bool ended = !cv->runs.empty();
    for (const CompareRunView& r : cv->runs) {
      step = std::max(step, r.step);
      ended &= r.state == TrainState::finished || r.state == TrainState::early_stopped || r.state == TrainState::diverged;
    }
    const TrainState shown = running ? TrainState::running : ended ? TrainState::finished : step > 0 ? TrainState::paused : TrainState::idle;
    ImGui::TextColored(TrainStateColor(shown), "● %s", running ? "training together" : ended ? "every run has ended" : train_state_name(shown));
    ImGui::SameLine(0, fs);
    ImGui::Text("step %lld", static_cast<long long>(step));
  }

  SectionHeader("Shared settings");
  SharedSettings(tv, ui);
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Only the cell differs: the same data, seed, sizes and optimizer. While comparing, "
                      "T, Shift+T and R act on the comparison.");
  SectionHeader("What to look for");
  ImGui::TextUnformatted("• Loss: which cell learns most per step — and, with x = time, per second of computing.");
  ImGui::TextUnformatted("• Gradient decay: the steeper a line falls towards t = 1, the less the early steps "
                         "of a window learn. Compare the faded lines of step 0.");
  ImGui::TextUnformatted("• Forecasts: a rollout that drifts away from the truth learned the one-step task, "
                         "not the wave.");
  ImGui::PopTextWrapPos();
}

void CompareCurvesPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const CompareView* cv = snap.train->compare.get();
  const float fs = ImGui::GetFontSize();
  CurveControls(ui);
  const char* xl = CurveAxisLabel(ui.train.curve_axis);
  const int xflags = CurveXFlags(ui.train.curve_axis);
  const Nonlinearity nl = snap.train->settings.trainer.model.nonlinearity;
  bool any_steps = false;
  if (cv)
    for (const CompareRunView& r : cv->runs) any_steps |= !r.steps->empty();

  // Stacked, or side by side when the tile is too short for two readable plots (compact, large scale).
  // Each plot's name is its y label, so the legend gets the top row, clear of the lines.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 gap = ImGui::GetStyle().ItemSpacing;
  const bool side_by_side = avail.y < fs * 16.0f && avail.x > fs * 36.0f;
  const ImVec2 train_size = side_by_side ? ImVec2(std::floor((avail.x - gap.x) * 0.5f), avail.y)
                                         : ImVec2(avail.x, std::max(fs * 6.0f, std::round((avail.y - gap.y) * 0.55f)));
  std::vector<float> xs, ys;
  if (plot::BeginPlot("##cmp_train", train_size)) {
    plot::SetupAxes(xl, ui.train.smoothing > 0 ? "training loss (smoothed)" : "training loss (mini-batch)", xflags, plot::AxisFlags_AutoFit);
    if (ui.train.log_loss) plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    if (!any_steps) plot::SetupAxisLimits(plot::Axis::X, 0, 1);
    if (cv)
      for (const CompareRunView& r : cv->runs) {
        const std::vector<StepPoint>& steps = *r.steps;
        const std::vector<double> smooth = SmoothedLoss(r, ui.train.smoothing);
        xs.resize(steps.size());
        ys.resize(steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i) {
          xs[i] = static_cast<float>(CurveX(ui.train.curve_axis, steps[i].step, steps[i].seconds, r.steps_per_epoch));
          ys[i] = static_cast<float>(smooth[i]);
        }
        plot::SetNextLineStyle(colors::cell(r.cell), 2.0f);
        plot::PlotLine(CellLabel(r.cell, nl), xs.data(), ys.data(), static_cast<int>(xs.size()));
        if (r.state == TrainState::diverged)
          plot::PlotVLine(CurveX(ui.train.curve_axis, r.step, r.seconds, r.steps_per_epoch), IM_COL32(235, 90, 70, 220), 2.0f);
      }
    if (!any_steps) PlotEmptyHint(EmptyText(cv));
    plot::EndPlot();
  }
  if (side_by_side) ImGui::SameLine();
  if (plot::BeginPlot("##cmp_val", ImVec2(-1, -1))) {
    plot::SetupAxes(xl, "validation MSE (per epoch)", xflags, plot::AxisFlags_AutoFit);
    if (ui.train.log_loss) plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    if (!any_steps) plot::SetupAxisLimits(plot::Axis::X, 0, 1);
    if (cv)
      for (const CompareRunView& r : cv->runs) {
        const std::vector<EpochPoint>& epochs = *r.epochs;
        xs.resize(epochs.size());
        ys.resize(epochs.size());
        for (std::size_t i = 0; i < epochs.size(); ++i) {
          const EpochPoint& p = epochs[i];
          xs[i] = static_cast<float>(ui.train.curve_axis == CurveAxis::epoch ? p.epoch : CurveX(ui.train.curve_axis, p.step, p.seconds, r.steps_per_epoch));
          ys[i] = static_cast<float>(p.val_mse);
        }
        plot::SetNextLineStyle(colors::cell(r.cell), 2.5f);
        plot::PlotLine(CellLabel(r.cell, nl), xs.data(), ys.data(), static_cast<int>(xs.size()));
      }
    if (any_steps) {
      bool any_epoch = false;
      for (const CompareRunView& r : cv->runs) any_epoch |= !r.epochs->empty();
      if (!any_epoch) PlotEmptyHint("after the first epoch");
    }
    plot::EndPlot();
  }
}

void CompareForecastPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const CompareView* cv = snap.train->compare.get();
  const float fs = ImGui::GetFontSize();
  // Every run forecasts the same series: the first one (or the main run's) gives truth and split.
  const ForecastView& ref = cv && !cv->runs.empty() ? *cv->runs.front().forecast : *snap.train->forecast;
  const Nonlinearity nl = snap.train->settings.trainer.model.nonlinearity;
  // A short tile (large scale) keeps its height for the plot: the rollout's range goes behind a button.
  const bool short_tile = ImGui::GetContentRegionAvail().y < fs * 13.0f;
  if (!short_tile) ForecastRangeControls(ref, ui, out);

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("show");
  ImGui::SameLine();
  static const char* const lines[] = {"rollout", "one-step", "both"};
  ImGui::SetNextItemWidth(fs * 6.5f);
  ImGui::Combo("##cmp_lines", &ui.compare.forecast_lines, lines, 3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("rollout: each model feeding on its own predictions (thick)\none-step: each sample from the T true values before it (thin)");
  ImGui::SameLine(0, fs);
  ImGui::Checkbox(short_tile ? "zoom###cmp_zoom" : "zoom to validation###cmp_zoom", &ui.compare.forecast_zoom);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the validation part only, where the rollouts part ways");
  if (short_tile) {
    const float button_w = ImGui::CalcTextSize("range…").x + ImGui::GetStyle().FramePadding.x * 2;
    if (button_w + fs < RemainingOnLine()) ImGui::SameLine(0, fs);
    if (ImGui::Button("range…")) ImGui::OpenPopup("##cmp_range");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the rollout starts, and how far it goes");
    if (ImGui::BeginPopup("##cmp_range")) {
      ImGui::Dummy(ImVec2(fs * 24.0f, 0));  // the sliders' width
      ForecastRangeControls(ref, ui, out);
      ImGui::EndPopup();
    }
  }
  const bool show_rollout = ui.compare.forecast_lines != 1, show_one_step = ui.compare.forecast_lines != 0;

  // Each cell's MSE over the validation part (rollout MSE when the rollout is shown), in its colour:
  // after the controls when it fits, else on its own line when the tile has room (the table lists the
  // rollout MSE in any case).
  if (cv) {
    const char* name = show_rollout ? "rollout MSE" : "one-step MSE";
    std::vector<std::string> texts;
    float width = ImGui::CalcTextSize(name).x;
    for (const CompareRunView& r : cv->runs) {
      const double mse = show_rollout ? r.forecast->rollout_mse : r.forecast->one_step_mse;
      char text[64];
      if (std::isfinite(mse)) std::snprintf(text, sizeof text, "%s %.3g", CellLabel(r.cell, nl), mse);
      else std::snprintf(text, sizeof text, "%s –", CellLabel(r.cell, nl));
      texts.emplace_back(text);
      width += fs + ImGui::CalcTextSize(text).x;
    }
    const bool same_row = width + fs * 1.5f < RemainingOnLine();
    if (same_row || (width < ImGui::GetContentRegionAvail().x && ImGui::GetContentRegionAvail().y > fs * 16.0f)) {
      if (same_row) ImGui::SameLine(0, fs * 1.5f);
      ImGui::TextDisabled("%s", name);
      for (std::size_t i = 0; i < texts.size(); ++i) {
        ImGui::SameLine(0, fs);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::cell(cv->runs[i].cell)), "%s", texts[i].c_str());
      }
    }
  }

  const int N = static_cast<int>(ref.truth.size());
  double x_max = N - 1.0;
  if (cv)
    for (const CompareRunView& r : cv->runs)
      x_max = std::max(x_max, r.forecast->rollout_from + static_cast<double>(r.forecast->rollout.size()) - 1);
  if (plot::BeginPlot("##cmp_forecast", ImVec2(-1, -1))) {
    SetupForecastAxes(ref, ui.compare.forecast_zoom, x_max);
    ForecastRegions(ref, /*neutral=*/true);
    plot::SetNextLineStyle(colors::truth, 1.5f);
    plot::PlotLine("truth", ref.truth.data(), N);
    if (cv) {
      char label[64];
      // Cells that learn the wave draw the same curve. Each line is 2 px narrower than the one
      // drawn before it (6, 4, 2 for three cells), so lines that coincide show as stripes of every
      // colour instead of the last cell hiding the others.
      const std::size_t n_runs = cv->runs.size();
      for (std::size_t i = 0; i < n_runs; ++i) {
        const CompareRunView& r = cv->runs[i];
        const ForecastView& f = *r.forecast;
        const ImU32 col = colors::cell(r.cell);
        const float stacked = 2.0f + 2.0f * static_cast<float>(n_runs - 1 - i);
        if (show_rollout) {
          std::snprintf(label, sizeof label, "%s%s", CellLabel(r.cell, nl), show_one_step ? " rollout" : "");
          plot::SetNextLineStyle(col, stacked);
          plot::PlotLine(label, f.rollout.data(), static_cast<int>(f.rollout.size()), 1.0, f.rollout_from);
        }
        if (show_one_step) {
          std::snprintf(label, sizeof label, "%s one-step", CellLabel(r.cell, nl));
          plot::SetNextLineStyle(show_rollout ? plot::Faded(col, 0.8f) : col, show_rollout ? 1.0f : stacked);
          if (show_rollout) plot::HideNextItemFromLegend();  // one entry per cell; hovering names both
          plot::PlotLine(label, f.one_step.data(), static_cast<int>(f.one_step.size()));
        }
      }
      if (show_rollout && !cv->runs.empty()) plot::PlotVLine(cv->runs.front().forecast->rollout_from, plot::Faded(colors::truth, 0.5f), 1.0f);
    } else {
      PlotEmptyHint(EmptyText(cv));
    }
    plot::EndPlot();
  }
}

void CompareDecayPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const CompareView* cv = snap.train->compare.get();
  const TrainSettings& s = snap.train->settings;
  const float fs = ImGui::GetFontSize();
  const Nonlinearity nl = s.trainer.model.nonlinearity;
  ImGui::Checkbox("step 0 (faded)", &ui.compare.decay_initial);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Each cell's curve at its initial weights, as a faded line.\nEvery curve is the mean over validation windows.");
  const int L = s.trainer.model.num_layers;
  if (L > 1) {
    ImGui::SameLine(0, fs);
    ImGui::SetNextItemWidth(fs * 5.5f);
    ui.compare.decay_layer = std::clamp(ui.compare.decay_layer, 0, L - 1);
    static const char* const layers[] = {"layer 1", "layer 2", "layer 3"};
    ImGui::Combo("##cmp_layer", &ui.compare.decay_layer, layers, std::min(L, 3));
  }
  DecayLossNote(s.split.loss);

  const std::size_t layer = static_cast<std::size_t>(std::max(ui.compare.decay_layer, 0));
  if (BeginDecayPlot("##cmp_decay", s.split.steps, "‖dL/dhₜ‖ against t")) {
    if (cv) {
      char label[64];
      for (const CompareRunView& r : cv->runs) {
        const DecayView& dv = *r.decay;
        const ImU32 col = colors::cell(r.cell);
        if (ui.compare.decay_initial && !dv.earlier.empty() && dv.earlier.front().step == 0 && layer < dv.earlier.front().layers.size()) {
          const std::vector<float>& ys = dv.earlier.front().layers[layer];
          std::snprintf(label, sizeof label, "%s at step 0", CellLabel(r.cell, nl));
          plot::SetNextLineStyle(plot::Faded(col, 0.45f), 1.0f);
          plot::HideNextItemFromLegend();
          plot::PlotLine(label, ys.data(), static_cast<int>(ys.size()), 1.0, 1.0);
        }
        if (layer < dv.current.layers.size()) {
          const std::vector<float>& ys = dv.current.layers[layer];
          std::snprintf(label, sizeof label, "%s##now", CellLabel(r.cell, nl));
          plot::SetNextLineStyle(col, 2.5f);
          plot::PlotLine(label, ys.data(), static_cast<int>(ys.size()), 1.0, 1.0);
        }
      }
    } else {
      PlotEmptyHint(EmptyText(cv));
    }
    plot::EndPlot();
  }
}

void CompareDialog(const Snapshot& snap, UiState& ui, CommandList& out) {
  if (ui.compare.popup) {
    ImGui::OpenPopup("Compare cells");
    ui.compare.popup = false;
  }
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal("Compare cells", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted("Train 2 or 3 cells side by side: the same data, seed and settings as the");
  ImGui::TextUnformatted("Train workspace, only the cell differs.");
  ImGui::Spacing();
  CellPicker(ui);
  ImGui::Spacing();
  const std::string error = validate_compare_cells(PickedCells(ui));
  ImGui::BeginDisabled(!error.empty());
  const bool start = ImGui::Button("Start and train") || (error.empty() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)));
  ImGui::EndDisabled();
  if (start && StartComparison(ui, out)) {
    ui.workspace = Workspace::compare;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  if (!error.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ErrorColor(), "Choose 2 or 3 cells.");
  }
  if (snap.train->compare) ImGui::TextDisabled("(replaces the comparison that is open now)");
  ImGui::EndPopup();
}

}  // namespace unrolled::app
