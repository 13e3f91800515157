// The main menu bar: File, View (workspaces and the current workspace's panels, from the table),
// Training, Help, the workspace tabs and the run's state at the right.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/file_list.hpp"
#include "app/frame/open_guard.hpp"
#include "app/frame/actions.hpp"
#include "app/frame/frame.hpp"
#include "app/frame/lesson_ui.hpp"
#include "app/frame/workspace_table.hpp"
#include "app/look/theme.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace {
// A session message newer than the UI's own notice replaces it (and the other way round).
void SyncNotice(const Snapshot& snap, UiState& ui) {
  if (snap.message_id != ui.seen_message_id) {
    ui.seen_message_id = snap.message_id;
    ui.notice.clear();
  }
}

void WorkspaceTabs(UiState& ui) {
  const float fs = ImGui::GetFontSize();
  ImGui::SameLine(0, fs * 1.5f);
  for (const WorkspaceInfo& info : workspace_catalog) {
    const bool on = ui.workspace == info.id;
    ImGui::PushStyleColor(ImGuiCol_Header, ImVec4(0.20f, 0.36f, 0.58f, 1.0f));
    if (ImGui::Selectable(info.tab, on, 0, ImVec2(ImGui::CalcTextSize(info.tab).x, 0))) ui.workspace = info.id;
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", info.tip);
  }
}

// The run's state at the right of the menu bar, visible in every workspace; while a comparison is
// open, its state instead (T, Shift+T and R act on it).
void TrainingStatus(const Snapshot& snap) {
  const TrainView& tv = *snap.train;
  if (tv.state == TrainState::idle && tv.step == 0 && !tv.compare) return;
  char text[128];
  if (tv.compare) {
    std::string cells;
    std::int64_t step = 0;
    for (const CompareRunView& r : tv.compare->runs) {
      cells += (cells.empty() ? "" : ", ") + std::string(cell_name(r.cell));
      step = std::max(step, r.step);
    }
    std::snprintf(text, sizeof text, "● comparing %s  %s  step %lld", cells.c_str(),
                  tv.compare->running() ? "training" : step > 0 ? "paused" : "ready", static_cast<long long>(step));
  } else if (tv.state == TrainState::running)
    std::snprintf(text, sizeof text, "● training  %.0f steps/s  step %lld  epoch %d", tv.steps_per_second,
                  static_cast<long long>(tv.step), tv.epoch);
  else
    std::snprintf(text, sizeof text, "● %s  step %lld  epoch %d", train_state_name(tv.state), static_cast<long long>(tv.step), tv.epoch);
  const float w = ImGui::CalcTextSize(text).x;
  const float x = ImGui::GetWindowContentRegionMax().x - w - ImGui::GetFontSize() * 0.5f;
  if (x < ImGui::GetCursorPosX() + ImGui::GetFontSize()) return;
  ImGui::SameLine(x);
  const bool running = tv.compare ? tv.compare->running() : tv.state == TrainState::running;
  const ImVec4 col = running                            ? RunningColor()
                     : tv.state == TrainState::diverged ? ErrorColor()
                                                        : ImVec4(0.75f, 0.76f, 0.8f, 1);
  ImGui::TextColored(col, "%s", text);
}
}  // namespace

float MainMenu(const Snapshot& snap, UiState& ui, CommandList& out) {
  SyncNotice(snap, ui);
  float h = 0;
  if (!ImGui::BeginMainMenuBar()) return h;
  const TrainView& tv = *snap.train;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open model…", "Ctrl+O")) OpenModelDialog(ui);
    if (ImGui::MenuItem("Save training model…", "Ctrl+S")) SaveModelDialog(ui);
    OpenSeriesMenu(ui, out);
    if (ImGui::MenuItem("Open text…")) OpenFileDialog(ui, FileDialogPurpose::open_text, ui.export_dir, "");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A UTF-8 text for the Text workspace's character model to learn");
    ImGui::Separator();
    // Sessions: everything to come back to (settings, the run with its weights and curves, the lesson).
    if (ImGui::MenuItem("Open session…"))
      OpenFileDialog(ui, FileDialogPurpose::open_session, ui.export_dir, ui.export_dir);
    if (ImGui::MenuItem("Save session…"))
      OpenFileDialog(ui, FileDialogPurpose::save_session, ui.export_dir, join_path(ui.export_dir, now_name("session", "json")));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The settings, the training run (weights, optimizer state, curves) and the open lesson in one "
                        "file; the last session is also saved every minute and on exit, and restored on start");
    ImGui::Separator();
    LessonFileMenu(ui);
    ImGui::Separator();
    if (ImGui::MenuItem("Export training curves (CSV)"))
      out.push_back(cmd::ExportCurves{join_path(ui.export_dir, now_name("curves", "csv"))});
    if (ImGui::MenuItem(tv.task ? "Export answers (CSV)" : "Export forecast (CSV)"))
      out.push_back(cmd::ExportForecast{join_path(ui.export_dir, now_name("forecast", "csv"))});
    if (ImGui::MenuItem("Screenshot", "F12")) TakeScreenshot(ui);
    if (ImGui::MenuItem("Screenshot as…", "Ctrl+E")) ui.dialogs.export_popup = true;
    if (ImGui::MenuItem("Export folder…")) OpenFileDialog(ui, FileDialogPurpose::export_folder, ui.export_dir, ui.export_dir);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("now: %s", ui.export_dir.c_str());
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) ui.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (const WorkspaceInfo& info : workspace_catalog)
      if (ImGui::MenuItem(info.menu, nullptr, ui.workspace == info.id)) ui.workspace = info.id;
    if (ImGui::MenuItem("Compare cells…")) ui.compare.popup = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Train RNN, LSTM and GRU (2 or 3 of them) side by side");
    ImGui::Separator();
    for (const PanelRow& row : panel_table)
      if (panel_info(row.id).workspace == ui.workspace) ImGui::MenuItem(panel_info(row.id).view_label, nullptr, &row.shown(ui));
    ImGui::Separator();
    if (ImGui::MenuItem("Projector mode", "F11", ui.projector)) set_projector(ui, !ui.projector);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("High contrast, large readouts, scale at least 200%%: for a class at a projector");
    if (ImGui::BeginMenu("Scale")) {
      for (float s : {0.75f, 1.0f, 1.25f, 1.5f, 2.0f, 2.5f, 3.0f}) {
        char label[16];
        std::snprintf(label, sizeof label, "%d%%", static_cast<int>(s * 100 + 0.5f));
        if (ImGui::MenuItem(label, nullptr, std::abs(ui.scale - s) < 1e-3f)) {
          ui.scale = s;
          ui.rebuild_fonts = true;
        }
      }
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Training")) {
    const bool running = tv.state == TrainState::running;
    if (ImGui::MenuItem("Train", "T", false, !running)) out.push_back(cmd::Train{});
    if (ImGui::MenuItem("Pause", "Shift+T", false, running)) out.push_back(cmd::PauseTraining{});
    if (ImGui::MenuItem("Reset to step 0", "R")) out.push_back(cmd::ResetTraining{});
    ImGui::Separator();
    if (ImGui::MenuItem("Stepping views follow the training model", nullptr, tv.following)) out.push_back(cmd::Follow{!tv.following});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keys", "F1")) ui.dialogs.show_keys = true;
    if (ImGui::MenuItem("About")) ui.dialogs.show_about = true;
    ImGui::EndMenu();
  }
  WorkspaceTabs(ui);
  TrainingStatus(snap);
  h = ImGui::GetWindowSize().y;
  ImGui::EndMainMenuBar();
  return h;
}

}  // namespace unrolled::app
