#include "app/shell.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "app/panels/panels.hpp"

namespace unrolled::app {

namespace {
constexpr float base_font_px = 15.0f;
const char* const ui_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* const mono_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
// Latin, Greek (σ), general punctuation (‖ · …), super/subscripts (² ₜ ₀), arrows, math operators (⊙ ∂ ∇),
// misc technical and geometric shapes (▶ ■). Must outlive the atlas.
const ImWchar glyph_ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F, 0x2190, 0x21FF,
                                0x2200, 0x22FF, 0x2300, 0x23FF, 0x25A0, 0x25FF, 0};
ImFont* g_mono = nullptr;
}  // namespace

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

bool load_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float px = std::round(base_font_px * scale);
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  ImFont* ui = nullptr;
  if (std::filesystem::exists(ui_font_path)) ui = io.Fonts->AddFontFromFileTTF(ui_font_path, px, &cfg, glyph_ranges);
  if (!ui) {
    std::fprintf(stderr,
                 "unrolled: %s not found (install fonts-dejavu-core); using ImGui's built-in font, "
                 "which lacks the math symbols\n",
                 ui_font_path);
    ImFontConfig def;
    def.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&def);
    g_mono = nullptr;
    return false;
  }
  g_mono = std::filesystem::exists(mono_font_path)
               ? io.Fonts->AddFontFromFileTTF(mono_font_path, px, &cfg, glyph_ranges)
               : nullptr;
  return true;
}

ImFont* mono_font() { return g_mono ? g_mono : ImGui::GetFont(); }

void apply_style(float scale) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0.0f;  // tiles, not floating windows
  style.WindowBorderSize = 1.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.WindowPadding = ImVec2(8, 6);
  style.FramePadding = ImVec2(6, 3);
  style.ItemSpacing = ImVec2(7, 5);
  ImVec4* c = style.Colors;
  // Tiles have no background of their own: the frame is cleared to window_clear_color, and on a
  // software rasterizer (llvmpipe) every full-window blended layer costs ~20 ms at 1280×800.
  c[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.17f, 0.98f);
  // Title and menu bars are text on the background too (they were ~20% of the frame's pixels).
  c[ImGuiCol_TitleBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TitleBgActive] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TitleBgCollapsed] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_MenuBarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.94f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(0.16f, 0.17f, 0.20f, 1.0f);
  c[ImGuiCol_Border] = ImVec4(0.25f, 0.27f, 0.32f, 1.0f);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

float MainMenu(const Snapshot&, UiState& ui, CommandList&) {
  float h = 0;
  if (!ImGui::BeginMainMenuBar()) return h;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open model…", "Ctrl+O")) ui.open_model_popup = true;
    if (ImGui::MenuItem("Export screenshot…", "Ctrl+E")) ui.export_popup = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) ui.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Controls", nullptr, &ui.show_controls);
    ImGui::MenuItem("Unrolled view", nullptr, &ui.show_unrolled);
    ImGui::MenuItem("Cell inspector", nullptr, &ui.show_inspector);
    ImGui::MenuItem("State heatmaps", nullptr, &ui.show_states);
    ImGui::MenuItem("Gate heatmaps", nullptr, &ui.show_gates);
    ImGui::MenuItem("Unit traces", nullptr, &ui.show_traces);
    ImGui::Separator();
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
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keys", "F1")) ui.show_keys = true;
    if (ImGui::MenuItem("About")) ui.show_about = true;
    ImGui::EndMenu();
  }
  h = ImGui::GetWindowSize().y;
  ImGui::EndMainMenuBar();
  return h;
}

void HandleKeys(const Snapshot& snap, UiState& ui, CommandList& out) {
  const ImGuiIO& io = ImGui::GetIO();
  // Typing into a field or answering a dialog is not stepping the network.
  if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  auto pressed = [](int key, bool repeat = false) { return ImGui::IsKeyPressed(key, repeat); };
  if (io.KeyCtrl) {
    if (pressed(GLFW_KEY_Q)) ui.quit = true;
    if (pressed(GLFW_KEY_O)) ui.open_model_popup = true;
    if (pressed(GLFW_KEY_E)) ui.export_popup = true;
    return;
  }
  if (pressed(GLFW_KEY_SPACE)) out.push_back(cmd::TogglePlay{});
  if (pressed(GLFW_KEY_RIGHT, true)) out.push_back(cmd::StepForward{});
  if (pressed(GLFW_KEY_LEFT, true)) out.push_back(cmd::StepBack{});
  if (pressed(GLFW_KEY_HOME)) out.push_back(cmd::GoStart{});
  if (pressed(GLFW_KEY_END)) out.push_back(cmd::GoEnd{});
  if (pressed(GLFW_KEY_B))
    out.push_back(cmd::SetPass{snap.pass == Pass::forward ? Pass::backward : Pass::forward});
  if (pressed(GLFW_KEY_F1)) ui.show_keys = !ui.show_keys;
  if (pressed(GLFW_KEY_ESCAPE)) ui.selected_t = -1;  // follow the cursor again
  if (pressed(GLFW_KEY_UP, true)) ui.unit = std::max(0, ui.unit - 1);
  if (pressed(GLFW_KEY_DOWN, true)) ui.unit = std::min(snap.scene->config.hidden_size - 1, ui.unit + 1);
}

void Dialogs(const Snapshot&, UiState& ui, CommandList& out) {
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  const float fs = ImGui::GetFontSize();
  if (ui.open_model_popup) {
    ImGui::OpenPopup("Open model");
    ui.open_model_popup = false;
  }
  if (ui.export_popup) {
    ImGui::OpenPopup("Export screenshot");
    ui.export_popup = false;
  }
  if (ui.show_keys) {
    ImGui::OpenPopup("Keys");
    ui.show_keys = false;
  }
  if (ui.show_about) {
    ImGui::OpenPopup("About unrolled");
    ui.show_about = false;
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Open model", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("A model file (.json, DESIGN §4), e.g. one written by unrolled-cli train.");
    ImGui::SetNextItemWidth(fs * 28);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputText("##path", &ui.model_path_edit, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Open") || enter) {
      out.push_back(cmd::LoadModel{ui.model_path_edit});
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Export screenshot", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Saves the window as a PNG.");
    ImGui::SetNextItemWidth(fs * 28);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputText("##png", &ui.screenshot_path_edit, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Save") || enter) {
      ui.pending_screenshot = ui.screenshot_path_edit;
      ui.screenshot_delay = 2;  // the dialog is still in this frame's picture
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Keys", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    const char* rows[][2] = {{"Space", "play / pause"},
                             {"→  /  ←", "next / previous step (forward pass, then backward pass)"},
                             {"Home / End", "start / end of the current pass"},
                             {"B", "switch between the forward and the backward pass"},
                             {"↑ / ↓", "choose the unit whose numbers the inspector shows"},
                             {"Esc", "inspector follows the current step again"},
                             {"click a cell", "inspect that step"},
                             {"Ctrl + wheel", "zoom the unrolled view"},
                             {"Ctrl+O / Ctrl+E / Ctrl+Q", "open model / export screenshot / quit"}};
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
      for (auto& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[0]);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[1]);
      }
      ImGui::EndTable();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE) || ImGui::IsKeyPressed(GLFW_KEY_F1))
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

namespace {
// Begins a tiled window at r; false when hidden or collapsed (then End() is still called).
bool BeginTile(const char* name, const Rect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus | extra;
  return ImGui::Begin(name, nullptr, flags);
}
}  // namespace

void DrawPanels(const Snapshot& snap, UiState& ui, CommandList& out, const Layout& l) {
  struct Tile {
    const char* name;
    const Rect& rect;
    void (*draw)(const Snapshot&, UiState&, CommandList&);
    ImGuiWindowFlags flags;
  };
  const Tile tiles[] = {
      {"Controls", l.controls, ControlsPanel, 0},
      {"Unrolled network", l.unrolled, UnrolledViewPanel, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse},
      {"Cell inspector", l.inspector, CellInspectorPanel, 0},
      {"States h and c", l.states, StateHeatmapPanel, ImGuiWindowFlags_NoScrollbar},
      {"Gates", l.gates, GateHeatmapPanel, ImGuiWindowFlags_NoScrollbar},
      {"Unit traces", l.traces, UnitTracesPanel, ImGuiWindowFlags_NoScrollbar},
  };
  for (const Tile& t : tiles) {
    if (!t.rect.visible()) continue;
    if (BeginTile(t.name, t.rect, t.flags)) t.draw(snap, ui, out);
    ImGui::End();
  }
  if (l.tabs.visible()) {
    if (BeginTile("Details", l.tabs, ImGuiWindowFlags_NoScrollbar) && ImGui::BeginTabBar("##details")) {
      // Compact: the inspector and the controls are tabs too (inspector first: it is the lesson).
      const int order_compact[] = {2, 3, 4, 5, 0};
      const int order_right[] = {3, 4, 5};
      const bool shown[] = {ui.show_controls, ui.show_unrolled, ui.show_inspector, ui.show_states, ui.show_gates, ui.show_traces};
      const int* order = l.compact ? order_compact : order_right;
      const int count = l.compact ? 5 : 3;
      for (int n = 0; n < count; ++n) {
        const int i = order[n];
        if (!shown[i]) continue;
        if (ImGui::BeginTabItem(tiles[i].name)) {
          ImGui::BeginChild("##tab", ImVec2(0, 0), false, tiles[i].flags);
          tiles[i].draw(snap, ui, out);
          ImGui::EndChild();
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
    }
    ImGui::End();
  }
  if (l.transport.visible()) {
    if (BeginTile("##transport", l.transport, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar))
      TransportBar(snap, ui, out);
    ImGui::End();
  }
}

}  // namespace unrolled::app
