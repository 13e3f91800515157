#include "app/frame/actions.hpp"

#include <ctime>
#include <filesystem>

#include "app/file_list.hpp"
#include "app/frame/workspace_table.hpp"

namespace unrolled::app {

std::string now_name(const char* prefix, const char* ext) { return timestamped_name(prefix, ext, std::time(nullptr)); }

void TakeScreenshot(UiState& ui) {
  ui.dialogs.pending_screenshot = join_path(ui.export_dir, now_name("unrolled", "png"));
  ui.dialogs.screenshot_delay = 1;  // after this frame is drawn (no dialog in the picture)
}

void OpenModelDialog(UiState& ui) {
  const std::string dir = std::filesystem::path(ui.dialogs.model_path_edit).has_parent_path()
                              ? std::filesystem::path(ui.dialogs.model_path_edit).parent_path().string()
                              : ui.export_dir;
  OpenFileDialog(ui, FileDialogPurpose::open_model, dir, join_path(dir, std::filesystem::path(ui.dialogs.model_path_edit).filename().string()));
}

void SaveModelDialog(UiState& ui) {
  OpenFileDialog(ui, FileDialogPurpose::save_model, ui.export_dir, join_path(ui.export_dir, now_name("model", "json")));
}

void BringPanelForward(UiState& ui, int number) {
  const Panel p = numbered_panel(ui.workspace, number);
  if (p == Panel::lesson) return;
  panel_shown(ui, p) = true;
  ui.bring_forward = p;
  ui.bring_frames = 3;  // the tab bar selects it on the next frames
}

}  // namespace unrolled::app
