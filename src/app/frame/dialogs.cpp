// The frame's dialogs: the file dialog, the comparison's chooser, Export screenshot, Keys and About.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/file_list.hpp"
#include "app/frame/actions.hpp"
#include "app/frame/file_dialog.hpp"
#include "app/frame/frame.hpp"
#include "app/frame/keys.hpp"
#include "app/frame/open_guard.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

void Dialogs(const Snapshot& snap, UiState& ui, CommandList& out) {
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  const float fs = ImGui::GetFontSize();
  if (ui.dialogs.open_model_popup) {
    OpenModelDialog(ui);
    ui.dialogs.open_model_popup = false;
  }
  if (ui.dialogs.export_popup) {
    ui.dialogs.screenshot_path_edit = join_path(ui.export_dir, now_name("unrolled", "png"));
    ImGui::OpenPopup("Export screenshot");
    ui.dialogs.export_popup = false;
  }
  if (ui.dialogs.show_keys) {
    ImGui::OpenPopup("Keys");
    ui.dialogs.show_keys = false;
  }
  if (ui.dialogs.show_about) {
    ImGui::OpenPopup("About unrolled");
    ui.dialogs.show_about = false;
  }
  OpenGuardDialog(snap, ui, out);  // before the file dialog, which asks it
  FileDialog(ui, out);
  CompareDialog(snap, ui, out);
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Export screenshot", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Saves the window as a PNG.");
    ImGui::SetNextItemWidth(fs * 28);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputText("##png", &ui.dialogs.screenshot_path_edit, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Save") || enter) {
      ui.dialogs.pending_screenshot = ui.dialogs.screenshot_path_edit;
      ui.dialogs.screenshot_delay = 2;  // the dialog is still in this frame's picture
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Keys", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    KeysTable();
    // The F1 press that opened the window is still "pressed" in the frame it appears: only a later one closes it.
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE) ||
        (!ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(GLFW_KEY_F1, false)))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("About unrolled", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("unrolled — watch recurrent networks think.");
    ImGui::TextUnformatted("Vanilla RNN, LSTM and GRU cells, stepped one timestep at a time,");
    ImGui::TextUnformatted("forward and backward through time. The math is PyTorch's.");
    ImGui::TextDisabled("Dear ImGui %s, OpenGL 3.3", IMGUI_VERSION);
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

}  // namespace unrolled::app
