// The Compare workspace's table: each cell's parameters, speed, step, losses, rollout error and state,
// side by side, in its colour (compare.cpp draws the settings and the plots).
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

void CompareTablePanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const CompareView* cv = snap.train->compare.get();
  if (!cv) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("No comparison yet: tick 2 or 3 cells and press Start comparison (T), or use View → Compare cells…");
    ImGui::PopTextWrapPos();
    return;
  }
  const Nonlinearity nl = snap.train->settings.trainer.model.nonlinearity;
  // The lowest validation MSE is marked (when at least two cells have one).
  int best = -1, with_val = 0;
  for (std::size_t i = 0; i < cv->runs.size(); ++i) {
    const double v = cv->runs[i].last_val_mse;
    if (!std::isfinite(v)) continue;
    ++with_val;
    if (best < 0 || v < cv->runs[static_cast<std::size_t>(best)].last_val_mse) best = static_cast<int>(i);
  }
  if (with_val < 2) best = -1;

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp |
                                ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("##compare_table", 8, flags)) return;
  struct Column {
    const char* name;
    const char* widest;  // the longest value it usually shows
    const char* tip;
  };
  const Column columns[] = {
      {"cell", "■ RNN (relu)", "Every cell trains on the same data from the same seed, with the same settings"},
      {"parameters", "000000", "Weights and biases, head included: one block per gate"},
      {"steps/s", "0000", "Steps per second of the run's own training time: what one step of this cell costs"},
      {"step", "000000", "Optimizer steps so far (the runs train in lockstep)"},
      {"train loss", "0.0000e-00", "Mini-batch loss (normalised MSE), smoothed as in the curve"},
      {"val MSE", "0.0000e-00", "Validation MSE after the last epoch (normalised)"},
      {"rollout MSE", "0.0000e-00", "MSE of the autoregressive rollout against the truth (data units), as in the forecast"},
      {"state", "stopped early", "training, paused, finished, stopped early, or diverged (that run stops alone)"},
  };
  // Each column's share of the width follows the wider of its name and its values, so none is cut.
  for (const Column& c : columns)
    ImGui::TableSetupColumn(c.name, ImGuiTableColumnFlags_None,
                            std::max(ImGui::CalcTextSize(c.name).x, ImGui::CalcTextSize(c.widest).x));
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int i = 0; i < 8; ++i) {
    ImGui::TableSetColumnIndex(i);
    ImGui::TableHeader(columns[i].name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", columns[i].tip);
  }
  // Numbers right-aligned in their column.
  auto number = [](const char* text) {
    const float w = ImGui::CalcTextSize(text).x, room = ImGui::GetContentRegionAvail().x;
    if (room > w) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + room - w);
    ImGui::TextUnformatted(text);
  };
  for (std::size_t i = 0; i < cv->runs.size(); ++i) {
    const CompareRunView& r = cv->runs[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::cell(r.cell)), "■ %s", CellLabel(r.cell, nl));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", CellBlocks(r.cell));
    char text[64];
    ImGui::TableNextColumn();
    std::snprintf(text, sizeof text, "%lld", r.parameter_count);
    number(text);
    ImGui::TableNextColumn();
    std::snprintf(text, sizeof text, "%.0f", r.steps_per_second);
    number(r.step > 0 ? text : "–");
    ImGui::TableNextColumn();
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(r.step));
    number(text);
    ImGui::TableNextColumn();
    const std::vector<double> smooth = r.steps->empty() ? std::vector<double>{} : SmoothedLoss(r, ui.train.smoothing);
    std::snprintf(text, sizeof text, "%.4g", smooth.empty() ? 0.0 : smooth.back());
    number(smooth.empty() ? "–" : text);
    ImGui::TableNextColumn();
    std::snprintf(text, sizeof text, "%.4g", r.last_val_mse);
    if (static_cast<int>(i) == best) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(255, 255, 255, 38));
    number(std::isfinite(r.last_val_mse) ? text : "–");
    if (static_cast<int>(i) == best && ImGui::IsItemHovered()) ImGui::SetTooltip("the lowest validation MSE of the cells (lit cell)");
    ImGui::TableNextColumn();
    std::snprintf(text, sizeof text, "%.4g", r.forecast->rollout_mse);
    number(std::isfinite(r.forecast->rollout_mse) ? text : "–");
    ImGui::TableNextColumn();
    ImGui::TextColored(TrainStateColor(r.state), "%s", train_state_name(r.state));
    if (!r.message.empty() && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
      ImGui::TextUnformatted(r.message.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  ImGui::EndTable();
}

}  // namespace unrolled::app
