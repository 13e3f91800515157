#include "app/panels/heatmap_common.hpp"

#include <imgui.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "app/panels/common.hpp"

namespace unrolled::app {

void UnitTimeHeatmap(const HeatmapSpec& s, ImVec2 size, bool with_scale) {
  const Grid& g = *s.grid;
  const int H = g.rows, C = g.cols;
  const float scale_w = with_scale ? ScaleColumnWidth(s.vmin, s.vmax) : 0.0f;
  // Unit 0 at the bottom: the rows go in reversed, and computed columns only.
  std::vector<float> v(static_cast<std::size_t>(H) * C, std::numeric_limits<float>::quiet_NaN());
  for (int r = 0; r < H; ++r)
    for (int c = 0; c < C; ++c) {
      const int t = s.first_t + c;
      if (t >= s.shown_from && t <= s.shown_to) v[static_cast<std::size_t>(H - 1 - r) * C + c] = g.at(r, c);
    }
  ImGui::PushID(s.title);
  ImGui::BeginGroup();  // plot + scale, so a SameLine after this starts level with the plot
  const ImVec2 plot_size(std::max(size.x - scale_w, 10.0f), size.y);
  if (plot::BeginPlot(s.title, plot_size, plot::PlotFlags_NoLegend | plot::PlotFlags_NoHoverReadout)) {
    plot::SetupAxes(s.x_label ? "t" : nullptr, "unit", plot::AxisFlags_Integer | plot::AxisFlags_NoGrid,
                    plot::AxisFlags_Integer | plot::AxisFlags_NoGrid);
    plot::SetupAxisLimits(plot::Axis::X, s.first_t - 0.5, s.first_t + C - 0.5);
    plot::SetupAxisLimits(plot::Axis::Y, -0.5, H - 0.5);
    plot::SetupAxisTicks(plot::Axis::Y, std::clamp(static_cast<int>(plot_size.y / (ImGui::GetFontSize() * 2.0f)), 2, 5));
    plot::PlotHeatmap(s.value_name, v.data(), H, C, s.vmin, s.vmax, s.colormap, {s.first_t - 0.5, s.first_t + C - 0.5},
                      {-0.5, H - 0.5});
    if (s.marker_t >= s.first_t && s.marker_t < s.first_t + C) {
      const ImVec2 a = plot::PlotToPixels(s.marker_t - 0.5, H - 0.5), b = plot::PlotToPixels(s.marker_t + 0.5, -0.5);
      ImGui::GetWindowDrawList()->AddRect(a, b, colors::cursor_line, 0, 0, 2.0f);
    }
    int row = 0, col = 0;
    float value = 0;
    if (plot::GetHoveredHeatmapCell(&row, &col, &value)) {
      const int unit = H - 1 - row, t = s.first_t + col;
      ImGui::BeginTooltip();
      if (value != value) ImGui::Text("unit %d, t = %d: not computed yet", unit, t);
      else ImGui::Text("unit %d, t = %d: %s = %.4f", unit, t, s.value_name, value);
      if (s.explain) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
        ImGui::TextDisabled("%s", s.explain);
        ImGui::PopTextWrapPos();
      }
      ImGui::EndTooltip();
    }
    plot::EndPlot();
  }
  if (with_scale) {
    ImGui::SameLine(0, 0);
    const float fs = ImGui::GetFontSize();
    // Align the bar with the data area (below the title row, above the tick labels).
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + fs * 1.35f);
    plot::ColormapScale("##scale", s.vmin, s.vmax, ImVec2(scale_w, std::max(size.y - fs * 2.9f, fs * 2)), s.colormap);
  }
  ImGui::EndGroup();
  ImGui::PopID();
}

}  // namespace unrolled::app
