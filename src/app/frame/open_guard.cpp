#include "app/frame/open_guard.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <filesystem>

#include "app/session/training.hpp"

namespace unrolled::app {

namespace {
const char* const question_id = "Training is running";
}

void GuardedOpen(UiState& ui, CommandList& out, Command open, const std::string& what) {
  if (!ui.dialogs.training_running) {
    out.push_back(std::move(open));
    return;
  }
  out.push_back(cmd::PauseTraining{});  // kept at its step while the question is open
  ui.dialogs.pending_open = std::move(open);
  ui.dialogs.pending_what = what;
  ui.dialogs.ask_open = true;
}

void OpenSeries(UiState& ui, CommandList& out, const std::string& csv_path) {
  TrainSettings s = ui.train.edit_loaded ? ui.train.edit : TrainSettings{};
  s.task.reset();
  s.csv_path = csv_path;
  s.csv_column.clear();     // the documented rule; the Column chooser lists the rest
  s.normalization.reset();  // a model file's statistics belong to its own data
  ui.train.edit = s;
  ui.train.edit_loaded = true;
  ui.train.csv_edit = csv_path;
  ui.workspace = Workspace::train;
  GuardedOpen(ui, out, cmd::ConfigureTraining{s}, std::filesystem::path(csv_path).filename().string());
}

void OpenSeriesMenu(UiState& ui, CommandList& out) {
  if (!ImGui::BeginMenu("Open series")) return;
  for (const io::DataSetInfo& d : real_series()) {
    if (ImGui::MenuItem(d.name.c_str())) OpenSeries(ui, out, d.name);
    if (ImGui::IsItemHovered() && !d.what.empty())
      ImGui::SetTooltip("%s\nSource: %s\nLicence: %s", d.what.c_str(), d.source.c_str(), d.licence.c_str());
  }
  if (!real_series().empty()) ImGui::Separator();
  if (ImGui::MenuItem("CSV file…")) OpenFileDialog(ui, FileDialogPurpose::open_series, ui.export_dir, "");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Any CSV series: the Train workspace forecasts its column (the only one, or the one named "
                      "\"value\"; otherwise it lists the columns to choose from)");
  ImGui::EndMenu();
}

void OpenGuardDialog(const Snapshot& snap, UiState& ui, CommandList& out) {
  ui.dialogs.training_running = snap.train->state == TrainState::running;
  if (ui.dialogs.ask_open) {
    ImGui::OpenPopup(question_id);
    ui.dialogs.ask_open = false;
  }
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(question_id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const float fs = ImGui::GetFontSize();
  ImGui::PushTextWrapPos(fs * 26);
  ImGui::Text("The run is paused at step %lld.", static_cast<long long>(snap.train->step));
  ImGui::Text("Opening %s starts a new run at step 0: this run's weights and curves are replaced.",
              ui.dialogs.pending_what.c_str());
  ImGui::TextDisabled("To keep them, save the model (Ctrl+S) or the session (File → Save session…) first.");
  ImGui::PopTextWrapPos();
  const auto close = [&] {
    ui.dialogs.pending_open.reset();
    ImGui::CloseCurrentPopup();
  };
  if (ImGui::Button("Open it")) {
    if (ui.dialogs.pending_open) out.push_back(*ui.dialogs.pending_open);
    close();
  }
  ImGui::SameLine();
  if (ImGui::Button("Keep the run (paused)") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) close();
  ImGui::EndPopup();
}

}  // namespace unrolled::app
