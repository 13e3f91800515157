// The tiles: every workspace's panels in their rectangles (or as tabs of one tile when the window is
// small), the lesson's column beside any workspace, and the bottom bar — all from the workspace table.
#include <imgui.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "app/frame/frame.hpp"
#include "app/frame/keys.hpp"
#include "app/frame/workspace_table.hpp"
#include "app/look/marks.hpp"
#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

std::string ini_path() {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) dir = fs::path(x) / "unrolled";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = fs::path(h) / ".config" / "unrolled";
  else return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return {};
  return (dir / "imgui.ini").string();
}

namespace {
// Begins a tiled window at r; false when hidden or collapsed (then End() is still called). `accent`:
// the lesson's step talks about this tile (its title band and frame in the lesson's accent).
bool BeginTile(const char* name, const Rect& r, ImGuiWindowFlags extra = 0, bool accent = false) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus | extra;
  if (accent) PushLessonAccentTitle();
  const bool open = ImGui::Begin(name, nullptr, flags);
  if (accent) {
    PopLessonAccentTitle();
    DrawLessonAccentFrame();
  }
  return open;
}

// The bottom line: the last message (errors in red), the key hints at the right when they fit.
void StatusLine(const Snapshot& snap, const UiState& ui, const char* window, const Rect& r, const std::string& hint_text) {
  const char* hint = hint_text.c_str();
  if (!r.visible()) return;
  if (BeginTile(window, r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    const std::string& full = !ui.notice.empty() ? ui.notice : snap.message;
    const bool err = !ui.notice.empty() ? ui.notice_is_error : snap.message_is_error;
    // A message longer than the line (a large scale) ends in "…"; hovering it shows all of it.
    const float right = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint).x;
    ImGui::AlignTextToFramePadding();
    const float drawn = TextFitted(err ? ErrorColor() : OkColor(), full, ImGui::GetContentRegionAvail().x);
    const float used = drawn > 0 ? drawn + ImGui::GetStyle().WindowPadding.x : 0.0f;
    if (right > used + ImGui::GetFontSize()) {
      if (drawn > 0) ImGui::SameLine(right);
      else ImGui::SetCursorPosX(right);
      ImGui::TextDisabled("%s", hint);
    }
  }
  ImGui::End();
}

// One tile's window title this frame.
const char* TileTitle(const PanelRow& row, const Snapshot& snap, char* buf, std::size_t n) {
  return row.live_title ? row.live_title(snap, buf, n) : row.title;
}

// Each tile with a rectangle in its own window; the tabbed tile's shown panels as its tabs.
void DrawTiles(const Snapshot& snap, UiState& ui, CommandList& out, const WorkspaceRow& ws, const WorkspaceTiles& t) {
  char buf[160];
  for (const PanelRow& row : panel_table) {
    const Rect& r = t.rect[static_cast<std::size_t>(row.id)];
    if (!r.visible()) continue;
    if (BeginTile(TileTitle(row, snap, buf, sizeof buf), r, row.flags, LessonAccent(ui, row.id, r))) row.draw(snap, ui, out);
    ImGui::End();
  }
  if (!t.tabs.visible()) return;
  // No title bar: the tab bar names what is shown (a short tile at a large scale keeps its rows).
  if (BeginTile(ws.tabs_window, t.tabs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoTitleBar) &&
      ImGui::BeginTabBar(ws.tab_bar)) {
    for (Panel p : t.tab_order) {
      const PanelRow& row = *panel_row(p);
      if (!row.shown(ui)) continue;
      const char* title = TileTitle(row, snap, buf, sizeof buf);
      // Presentation: each tab says its number key and a short name ("3 Inspector"); the key brings it forward.
      char label[200];
      if (t.presentation)
        std::snprintf(label, sizeof label, "%d %s###%s", panel_number(p), row.live_tab ? row.live_tab(snap) : panel_info(p).tab,
                      panel_name(p));
      const bool forward = ui.bring_frames > 0 && ui.bring_forward == p;
      if (!BeginLessonTabItem(ui, t.presentation ? label : title, p, t.tabs, forward)) continue;
      ImGui::BeginChild("##tab", ImVec2(0, 0), false, row.flags);
      row.draw(snap, ui, out);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    if (LessonAccentedAt(ui, t.tabs)) DrawLessonAccentFrame();
  }
  ImGui::End();
}
}  // namespace

void DrawWorkspace(const Snapshot& snap, UiState& ui, CommandList& out, Rect area) {
  const float fs = ImGui::GetFontSize();
  const WorkspaceRow& ws = workspace_row(ui.workspace);
  // A lesson open: its column at the right, in every workspace, above the workspace's bottom bar,
  // which keeps the full width. The workspace lays out in the area beside the column, its bar's height
  // included, so its tiles fill the rest; its bar is then put back at full width (`lesson->bottom`).
  std::optional<LessonSplit> lesson;
  Rect tiles_area = area;
  if (!ui.lesson_id.empty()) {
    lesson = split_lesson_column(area, fs, ws.transport ? transport_height(area.w, fs) : status_line_height(fs));
    ui.lesson.panel_rect = lesson->lesson;
    // It does not take the focus when it appears: the arrow keys keep stepping the network until it is clicked.
    if (BeginTile("Lesson###lesson", lesson->lesson, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoFocusOnAppearing))
      LessonPanel(snap, ui, out);
    ImGui::End();
    const float bar_h = ws.transport ? transport_height(lesson->tiles.w, fs) : status_line_height(fs);
    tiles_area = Rect{area.x, area.y, lesson->tiles.w, lesson->tiles.h + bar_h};
  }
  WorkspaceTiles t = ws.lay_out(snap, ui, tiles_area, fs);
  if (ui.bring_frames > 0) --ui.bring_frames;
  if (lesson) t.bar = lesson->bottom;
  DrawTiles(snap, ui, out, ws, t);
  if (ws.transport) {
    if (t.bar.visible()) {
      if (BeginTile(ws.bar_window, t.bar, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) TransportBar(snap, ui, out);
      ImGui::End();
    }
  } else {
    StatusLine(snap, ui, ws.bar_window, t.bar, KeyHints(ui.workspace));
  }
}

}  // namespace unrolled::app
