// State heatmaps: the hidden state h (units × time) and, for the LSTM, the cell state c, on a
// diverging map centred on 0. In the backward pass: dL/dh_t (and dL/dc_t), filling in from t = T
// down to the current step, on a symmetric scale around 0.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/panels/common.hpp"
#include "app/panels/heatmap_common.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

void StateHeatmapPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const int L = sc.config.num_layers, T = sc.steps;
  ui.step.layer = std::clamp(ui.step.layer, 0, L - 1);
  const LayerView& lv = sc.layers[ui.step.layer];
  const bool lstm = sc.config.cell == CellKind::lstm;
  const bool fwd = snap.pass == Pass::forward;
  const CellKind cell = sc.config.cell;

  if (L > 1) ImGui::TextDisabled("layer %d of %d (choose in the cell inspector)", ui.step.layer + 1, L);
  std::vector<HeatmapSpec> maps;
  if (fwd) {
    maps.push_back({"hidden state hₜ", "h", &lv.h, 0, 0, snap.t, -sc.h_absmax, sc.h_absmax, plot::Colormap::diverging,
                    snap.t, !lstm, Explain(cell, "h")});
    if (lstm)
      maps.push_back({"cell state cₜ", "c", &lv.c, 0, 0, snap.t, -sc.c_absmax, sc.c_absmax, plot::Colormap::diverging,
                      snap.t, true, Explain(cell, "c")});
  } else {
    float gmax = 1e-12f, gcmax = 1e-12f;
    for (float v : lv.grad_h.v) gmax = std::max(gmax, std::abs(v));
    for (float v : lv.grad_c.v) gcmax = std::max(gcmax, std::abs(v));
    maps.push_back({"gradient dL/dhₜ (backward pass)", "dL/dh", &lv.grad_h, 1, snap.t, T, -gmax, gmax,
                    plot::Colormap::diverging, snap.t, !lstm, Explain(cell, "dh")});
    if (lstm)
      maps.push_back({"gradient dL/dcₜ along the highway", "dL/dc", &lv.grad_c, 1, snap.t, T, -gcmax, gcmax,
                      plot::Colormap::diverging, snap.t, true, Explain(cell, "dc")});
  }
  // Side by side when the panel is wide (the usual case), stacked when it is tall.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 sp = ImGui::GetStyle().ItemSpacing;
  const int n = static_cast<int>(maps.size());
  // Pick the arrangement whose data areas are most readable: cells want ≥ 4 px per step, ≥ 6 px per unit.
  const float fs = ImGui::GetFontSize();
  const int H = lv.h.rows, C = lv.h.cols;
  auto score = [&](float w, float h) { return std::min((w - fs * 5.5f) / (C * 4.0f), (h - fs * 3.5f) / (H * 6.0f)); };
  const bool side = n > 1 && score(avail.x / n, avail.y) >= score(avail.x, avail.y / n);
  const ImVec2 each = side ? ImVec2((avail.x - sp.x * (n - 1)) / n, avail.y) : ImVec2(avail.x, (avail.y - sp.y * (n - 1)) / n);
  for (int i = 0; i < n; ++i) {
    if (side && i > 0) ImGui::SameLine();
    maps[i].x_label = true;
    UnitTimeHeatmap(maps[i], each, true);
  }
}

}  // namespace unrolled::app
