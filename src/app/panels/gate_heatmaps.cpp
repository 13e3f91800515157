// Gate heatmaps: each gate (LSTM i f g o, GRU r z n) as units × time on the sequential viridis map.
// σ gates span 0…1; the tanh candidates (g, n) span −1…1 on the same map, as their titles say.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/panels/common.hpp"
#include "app/panels/heatmap_common.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

void GateHeatmapPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const CellKind cell = sc.config.cell;
  const int L = sc.config.num_layers, T = sc.steps;
  ui.step.layer = std::clamp(ui.step.layer, 0, L - 1);
  const LayerView& lv = sc.layers[ui.step.layer];
  if (cell == CellKind::rnn) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextWrapped("A vanilla RNN has no gates: each step is hₜ = %s(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh). "
                       "Every bit of memory must survive being squashed again at every step, which is why its "
                       "gradients fade quickly (watch the backward pass). Switch the cell to LSTM or GRU in Controls "
                       "to see gates.",
                       sc.config.nonlinearity == Nonlinearity::relu ? "relu" : "tanh");
    ImGui::PopTextWrapPos();
    return;
  }
  const int G = static_cast<int>(lv.gates.size());
  const bool fwd = snap.pass == Pass::forward;
  const int shown_to = fwd ? snap.t : T;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float fs = ImGui::GetFontSize();
  const float scale_w = ScaleColumnWidth(0.0, 1.0);
  // One row when the panel is wide (the usual case), else two.
  const int per_row = (avail.x - scale_w) / std::max(avail.y, 1.0f) > 2.0f || G == 3 ? G : 2;
  const int rows = (G + per_row - 1) / per_row;
  const ImVec2 sp = ImGui::GetStyle().ItemSpacing;
  const ImVec2 cell_size((avail.x - scale_w - sp.x * per_row) / per_row, (avail.y - sp.y * (rows - 1)) / rows);
  char titles[4][48];
  for (int g = 0; g < G; ++g) {
    const bool tg = IsTanhGate(cell, g);
    // The gate, its function and range; shorter in a narrow cell (a projector): the range of a tanh
    // gate stays, since the shared colour scale reads 0…1.
    const char* name = sc.gate_names[g].c_str();
    std::snprintf(titles[g], sizeof titles[g], "%s  %s", name, tg ? "tanh, −1…1" : "σ, 0…1");
    if (ImGui::CalcTextSize(titles[g]).x > cell_size.x) std::snprintf(titles[g], sizeof titles[g], "%s %s", name, tg ? "−1…1" : "σ");
    if (ImGui::CalcTextSize(titles[g]).x > cell_size.x) std::snprintf(titles[g], sizeof titles[g], "%s", name);
    HeatmapSpec spec{titles[g], sc.gate_names[g].c_str(), &lv.gates[g], 1, 1, shown_to, tg ? -1.0 : 0.0, 1.0,
                     plot::Colormap::viridis, snap.t, g / per_row == rows - 1, Explain(cell, sc.gate_names[g])};
    if (g % per_row != 0) ImGui::SameLine();
    UnitTimeHeatmap(spec, cell_size, false);
    if (g == per_row - 1) {  // one colour scale for all gates, right of the first row
      ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::Dummy(ImVec2(1, fs * 1.35f - ImGui::GetStyle().ItemSpacing.y));
      plot::ColormapScale("##gatescale", 0.0, 1.0, ImVec2(scale_w, std::max(cell_size.y - fs * 2.9f, fs * 2)),
                          plot::Colormap::viridis);
      ImGui::EndGroup();
    }
  }
}

}  // namespace unrolled::app
