// Gradient decay across time: ‖dL/dhₜ‖ against t on a log scale for the model as it trains, one
// line per layer, refreshed while training; snapshots kept from earlier steps (0, 10, 100, 1000, …)
// stay as faded lines, so the change over training is visible at a glance.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

void DecayLossNote(LossMode loss) {
  const char* why = loss == LossMode::last ? "Loss on the last step only: every gradient starts at t = T and travels back."
                                           : "Loss on every step: each t adds its own error; the future's arrives from t+1.";
  ImGui::SameLine(0, ImGui::GetFontSize());
  if (ImGui::CalcTextSize(why).x < RemainingOnLine()) {
    ImGui::TextDisabled("%s", why);
  } else {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", why);
  }
}

bool BeginDecayPlot(const char* title_id, int T, const char* y_label) {
  if (!plot::BeginPlot(title_id, ImVec2(-1, -1))) return false;
  plot::SetupAxes("t", y_label, plot::AxisFlags_AutoFit | plot::AxisFlags_Integer, plot::AxisFlags_AutoFit);
  plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
  plot::SetupAxisLimits(plot::Axis::X, 1, std::max(T, 2));
  return true;
}

void GradientDecayPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const TrainView& tv = *snap.train;
  const DecayView& dv = *tv.decay;
  std::string earlier = "earlier steps";  // names the faded lines: "earlier steps (0, 10, 100)"
  for (std::size_t k = 0; k < dv.earlier.size(); ++k)
    earlier += (k ? ", " : " (") + std::to_string(dv.earlier[k].step) + (k + 1 == dv.earlier.size() ? ")" : "");
  ImGui::Checkbox((earlier + "##earlier").c_str(), &ui.train.decay_earlier);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Faded lines: the same curve at steps 0, 10, 100, 1000, … of this run");
  DecayLossNote(tv.settings.split.loss);

  const int L = static_cast<int>(dv.current.layers.size());
  char title[96];
  std::snprintf(title, sizeof title, "‖dL/dhₜ‖ at step %lld###decay", static_cast<long long>(dv.current.step));
  const int T = L > 0 ? static_cast<int>(dv.current.layers[0].size()) : 0;
  if (BeginDecayPlot(title, T)) {
    char label[64];
    if (ui.train.decay_earlier) {
      const int kept = static_cast<int>(dv.earlier.size());
      for (int k = 0; k < kept; ++k) {
        const DecayCurve& c = dv.earlier[static_cast<std::size_t>(k)];
        const float alpha = 0.18f + 0.32f * static_cast<float>(k + 1) / static_cast<float>(kept + 1);  // older = fainter
        for (int l = 0; l < static_cast<int>(c.layers.size()); ++l) {
          const std::vector<float>& ys = c.layers[static_cast<std::size_t>(l)];
          std::snprintf(label, sizeof label, "layer %d, step %lld##e%d", l + 1, static_cast<long long>(c.step), k);
          plot::SetNextLineStyle(plot::Faded(plot::SeriesColor(l), alpha), 1.0f);
          plot::HideNextItemFromLegend();  // the legend names the current lines; hovering names these
          plot::PlotLine(label, ys.data(), static_cast<int>(ys.size()), 1.0, 1.0);
        }
      }
    }
    for (int l = 0; l < L; ++l) {
      const std::vector<float>& ys = dv.current.layers[static_cast<std::size_t>(l)];
      std::snprintf(label, sizeof label, "layer %d", l + 1);
      plot::SetNextLineStyle(plot::SeriesColor(l), 2.5f);
      plot::PlotLine(label, ys.data(), static_cast<int>(ys.size()), 1.0, 1.0);
    }
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
