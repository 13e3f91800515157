// Unit traces: h_t of the chosen units over time (c_t as thinner lines for the LSTM), beside the
// signal itself: x_t, the target (the next value) and the network's y_t.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/plot/plot.hpp"

namespace unrolled::app {

void UnitTracesPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const int T = sc.steps, H = sc.config.hidden_size;
  ui.step.layer = std::clamp(ui.step.layer, 0, sc.config.num_layers - 1);
  const LayerView& lv = sc.layers[ui.step.layer];
  const bool lstm = sc.config.cell == CellKind::lstm;
  const bool fwd = snap.pass == Pass::forward;
  const int upto = fwd ? snap.t : T;  // steps computed so far
  const float fs = ImGui::GetFontSize();

  // Unit toggles, coloured like their lines.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("units");
  const float box = fs * 1.25f;
  for (int j = 0; j < H; ++j) {
    ImGui::SameLine(0, 2);
    if (ImGui::GetContentRegionAvail().x < box) ImGui::NewLine();
    ImGui::PushID(j);
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(plot::SeriesColor(j));
    ImGui::PushStyleColor(ImGuiCol_Button, ui.step.traced[j] ? c : ImVec4(0.2f, 0.21f, 0.25f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(c.x, c.y, c.z, 0.7f));
    ImGui::PushStyleColor(ImGuiCol_Text, ui.step.traced[j] ? ImVec4(0.05f, 0.05f, 0.08f, 1) : ImVec4(0.8f, 0.8f, 0.85f, 1));
    char label[16];
    std::snprintf(label, sizeof label, "%d", j);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(1, ImGui::GetStyle().FramePadding.y));
    if (ImGui::Button(label, ImVec2(box, 0))) ui.step.traced[j] = !ui.step.traced[j];
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(3);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("unit %d: click to show or hide its trace", j);
    ImGui::PopID();
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side_by_side = avail.x > fs * 30;
  const ImVec2 size = side_by_side ? ImVec2((avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.58f, avail.y)
                                   : ImVec2(avail.x, avail.y);
  std::vector<float> ys(static_cast<std::size_t>(T + 1));
  if (plot::BeginPlot("hidden units hₜ", size, plot::PlotFlags_NoLegend)) {
    plot::SetupAxes("t", nullptr, plot::AxisFlags_Integer, plot::AxisFlags_None);
    plot::SetupAxisLimits(plot::Axis::X, 0, T);
    const float lim = std::max(sc.h_absmax, lstm ? sc.c_absmax : 0.0f) * 1.05f;
    plot::SetupAxisLimits(plot::Axis::Y, -lim, lim);
    plot::PlotHLine(0, IM_COL32(255, 255, 255, 40));
    for (int j = 0; j < H; ++j) {
      if (!ui.step.traced[j]) continue;
      char name[24];
      if (lstm) {
        for (int s = 0; s <= upto; ++s) ys[s] = lv.c.at(j, s);
        std::snprintf(name, sizeof name, "c unit %d", j);
        plot::SetNextLineStyle(LerpColor(plot::SeriesColor(j), IM_COL32(0, 0, 0, 255), 0.45f), 1.0f);
        plot::PlotLine(name, ys.data(), upto + 1);
      }
      for (int s = 0; s <= upto; ++s) ys[s] = lv.h.at(j, s);
      std::snprintf(name, sizeof name, "h unit %d", j);
      plot::SetNextLineStyle(plot::SeriesColor(j), 2.0f);
      plot::PlotLine(name, ys.data(), upto + 1);
    }
    plot::PlotVLine(snap.t, colors::cursor_line, 1.0f);
    plot::EndPlot();
  }
  if (!side_by_side) return;
  ImGui::SameLine();
  if (plot::BeginPlot("##signal", ImVec2(ImGui::GetContentRegionAvail().x, avail.y))) {
    plot::SetupAxes("t", "signal", plot::AxisFlags_Integer, plot::AxisFlags_None);
    plot::SetupAxisLimits(plot::Axis::X, 1, std::max(T, 2));
    plot::SetupAxisLimits(plot::Axis::Y, -sc.input_absmax * 1.1, sc.input_absmax * 1.1);
    std::vector<float> x(static_cast<std::size_t>(T)), tg(static_cast<std::size_t>(T)), y(static_cast<std::size_t>(upto));
    for (int s = 0; s < T; ++s) {
      x[s] = sc.input.at(0, s);
      tg[s] = sc.target.at(0, s);
    }
    for (int s = 0; s < upto; ++s) y[s] = sc.output.at(0, s);
    plot::SetNextLineStyle(IM_COL32(160, 160, 170, 255), 1.5f);
    plot::PlotLine("xₜ", x.data(), T, 1.0, 1.0);
    plot::SetNextLineStyle(IM_COL32(110, 200, 120, 255), 1.5f);
    plot::PlotLine("target", tg.data(), T, 1.0, 1.0);
    plot::SetNextLineStyle(IM_COL32(255, 160, 70, 255), 2.5f);
    plot::PlotLine("yₜ", y.data(), upto, 1.0, 1.0);
    if (snap.t >= 1) plot::PlotVLine(snap.t, colors::cursor_line, 1.0f);
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
