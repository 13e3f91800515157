// The in-app file dialog: a path field, Up, the folder's entries (folders first), OK / Cancel.
// Nothing here throws: a folder that cannot be read says why and the dialog stays usable.
#include "app/frame/file_dialog.hpp"
#include "app/frame/open_guard.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/frame/session_ui.hpp"

namespace unrolled::app {

namespace fs = std::filesystem;

namespace {
const char* const dialog_id = "##file_dialog";

const char* title_of(FileDialogPurpose p) {
  switch (p) {
    case FileDialogPurpose::open_model: return "Open model";
    case FileDialogPurpose::save_model: return "Save model";
    case FileDialogPurpose::choose_csv: return "Choose a CSV series";
    case FileDialogPurpose::open_series: return "Open a series (CSV) to train on";
    case FileDialogPurpose::export_folder: return "Export folder";
    case FileDialogPurpose::open_session: return "Open session";
    case FileDialogPurpose::save_session: return "Save session";
    case FileDialogPurpose::open_text: return "Open a text (UTF-8) for the character model";
  }
  return "";
}
const char* ok_label(FileDialogPurpose p) {
  switch (p) {
    case FileDialogPurpose::open_model: return "Open";
    case FileDialogPurpose::save_model: return "Save";
    case FileDialogPurpose::choose_csv: return "Choose";
    case FileDialogPurpose::open_series: return "Open";
    case FileDialogPurpose::export_folder: return "Use this folder";
    case FileDialogPurpose::open_session: return "Open";
    case FileDialogPurpose::save_session: return "Save";
    case FileDialogPurpose::open_text: return "Open";
  }
  return "OK";
}

// The files a purpose lists (folders always): a model or session file is JSON, a series CSV (or plain
// text), a corpus text; an export folder lists folders only.
std::vector<std::string> kind_of(FileDialogPurpose p) {
  switch (p) {
    case FileDialogPurpose::open_model:
    case FileDialogPurpose::save_model:
    case FileDialogPurpose::open_session:
    case FileDialogPurpose::save_session: return {".json"};
    case FileDialogPurpose::choose_csv:
    case FileDialogPurpose::open_series: return {".csv", ".txt"};
    case FileDialogPurpose::open_text: return {".txt", ".md", ".text"};
    case FileDialogPurpose::export_folder: return {"/"};  // no file name ends so: folders only
  }
  return {};
}
const char* kind_name(FileDialogPurpose p) {
  switch (p) {
    case FileDialogPurpose::choose_csv:
    case FileDialogPurpose::open_series: return ".csv and .txt";
    case FileDialogPurpose::open_text: return ".txt and .md";
    case FileDialogPurpose::export_folder: return "folders";
    default: return ".json";
  }
}

void go_to(FileDialogState& d, const std::string& dir) {
  d.dir = dir;
  if (d.purpose == FileDialogPurpose::export_folder) d.path_edit = dir;
  else d.path_edit = join_path(dir, fs::path(d.path_edit).filename().string());
}

// Whether OK may go ahead; otherwise d.error says why.
bool accept(FileDialogState& d, UiState& ui, CommandList& out) {
  std::error_code ec;
  const std::string& path = d.path_edit;
  if (path.empty()) {
    d.error = "type a path or pick an entry";
    return false;
  }
  const bool reading = d.purpose == FileDialogPurpose::open_model || d.purpose == FileDialogPurpose::choose_csv ||
                       d.purpose == FileDialogPurpose::open_series || d.purpose == FileDialogPurpose::open_session || d.purpose == FileDialogPurpose::open_text;
  if (reading && !fs::is_regular_file(path, ec)) {
    d.error = path + " is not a file";
    return false;
  }
  switch (d.purpose) {
    case FileDialogPurpose::open_model:  // the worker reads it; errors come back as messages
      GuardedOpen(ui, out, cmd::LoadModel{path}, fs::path(path).filename().string());
      return true;
    case FileDialogPurpose::choose_csv:
      ui.train.csv_edit = path;
      return true;
    case FileDialogPurpose::open_series:
      OpenSeries(ui, out, path);
      return true;
    case FileDialogPurpose::open_session:
      out.push_back(cmd::OpenSession{path});  // checked whole first; an error keeps the current session
      return true;
    case FileDialogPurpose::open_text: {  // a new character model on it; an unreadable text keeps the run
      TextSettings s = ui.text.edit;
      s.data = path;
      ui.text.edit = s;
      ui.workspace = Workspace::text;
      out.push_back(cmd::ConfigureText{s});
      return true;
    }
    case FileDialogPurpose::save_model:
    case FileDialogPurpose::save_session: {
      const fs::path parent = fs::path(path).parent_path();
      if (fs::is_directory(path, ec)) {
        d.error = path + " is a folder; add a file name";
        return false;
      }
      if (!parent.empty() && !fs::is_directory(parent, ec)) {
        d.error = "no such folder: " + parent.string();
        return false;
      }
      // The worker writes it and reports success or failure.
      if (d.purpose == FileDialogPurpose::save_model) out.push_back(cmd::SaveModel{path});
      else out.push_back(cmd::SaveSession{path, session_ui_of(ui)});
      return true;
    }
    case FileDialogPurpose::export_folder:
      if (!fs::is_directory(path, ec)) {
        d.error = path + " is not a folder";
        return false;
      }
      ui.export_dir = path;
      ui.notice = "exports go to " + path;
      ui.notice_is_error = false;
      return true;
  }
  return false;
}
}  // namespace

void FileDialog(UiState& ui, CommandList& out) {
  FileDialogState& d = ui.file_dialog;
  if (d.request) {
    ImGui::OpenPopup(dialog_id);
    d.request = false;
  }
  const float fs = ImGui::GetFontSize();
  const ImVec2 vp = ImGui::GetMainViewport()->Size;
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(fs * 36, vp.x * 0.9f), std::min(fs * 26, vp.y * 0.85f)), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(dialog_id, nullptr, ImGuiWindowFlags_NoTitleBar)) return;
  if (d.listed_dir != d.dir) {  // read once per folder, not every frame
    std::string err;
    d.entries = list_folder(d.dir, err);
    d.listed_dir = d.dir;
    d.error = err;
  }
  SectionHeader(title_of(d.purpose));
  if (ImGui::Button("Up")) go_to(d, parent_folder(d.dir));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The folder above");
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", d.dir.c_str());

  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing() * 2;
  std::string open_dir;
  bool activate = false;
  std::size_t hidden = 0;
  const std::vector<FileEntry> shown = files_of_kind(d.entries, d.all_files ? std::vector<std::string>{} : kind_of(d.purpose), hidden);
  if (hidden > 0 || d.all_files) {
    ImGui::SameLine();
    char all[96];
    std::snprintf(all, sizeof all, "all files (%zu more)###all_files", hidden);
    if (RemainingOnLine() < ImGui::CalcTextSize(all).x + fs * 2) ImGui::NewLine();
    ImGui::Checkbox(d.all_files ? "all files###all_files" : all, &d.all_files);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Listed: %s only, unless this is ticked", kind_name(d.purpose));
  }
  if (ImGui::BeginChild("##entries", ImVec2(0, -footer), true)) {
    for (const FileEntry& e : shown) {
      char label[512];
      std::snprintf(label, sizeof label, "%s%s", e.name.c_str(), e.is_dir ? "/" : "");
      const std::string full = join_path(d.dir, e.name);
      const bool selected = full == d.path_edit;
      if (ImGui::Selectable(label, selected, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.is_dir) open_dir = full;
        else {
          if (d.purpose != FileDialogPurpose::export_folder) d.path_edit = full;
          activate = ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left);
        }
      }
      if (!e.is_dir) {
        char size[32];
        if (e.size >= 1 << 20) std::snprintf(size, sizeof size, "%.1f MB", e.size / 1048576.0);
        else std::snprintf(size, sizeof size, "%.1f kB", e.size / 1024.0);
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(size).x);
        ImGui::TextDisabled("%s", size);
      }
    }
    if (shown.empty() && d.error.empty()) {
      if (hidden > 0) ImGui::TextDisabled("(no %s here)", kind_name(d.purpose));
      else ImGui::TextDisabled("(empty folder)");
    }
  }
  ImGui::EndChild();
  if (!open_dir.empty()) go_to(d, open_dir);

  ImGui::SetNextItemWidth(-1);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  const bool enter = ImGui::InputText("##path", &d.path_edit, ImGuiInputTextFlags_EnterReturnsTrue);
  if (enter) {
    std::error_code ec;
    if (fs::is_directory(d.path_edit, ec) && d.purpose != FileDialogPurpose::export_folder) {
      go_to(d, d.path_edit);  // Enter on a folder opens it
    } else {
      activate = true;
    }
  }
  if (!d.error.empty()) ImGui::TextColored(ErrorColor(), "%s", d.error.c_str());
  else ImGui::TextDisabled(d.purpose == FileDialogPurpose::export_folder ? "Curves, forecasts and screenshots are saved here with time-stamped names."
                                                                        : "Type a path, or pick an entry (double-click opens).");
  if (ImGui::Button(ok_label(d.purpose)) || activate) {
    if (accept(d, ui, out)) ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace unrolled::app
