#include "app/shell.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>

#include "app/glyph_ranges.hpp"
#include "app/lesson_ui.hpp"
#include "app/panels/file_dialog.hpp"
#include "app/panels/panels.hpp"
#include "app/plot/plot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace {
constexpr float base_font_px = 15.0f;
const char* const ui_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* const mono_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
// glyph_ranges.hpp: the characters the equations and the lessons need.
static_assert(sizeof(ImWchar) == sizeof(ui_glyph_ranges[0]));
const ImWchar* const glyph_ranges = ui_glyph_ranges;
ImFont* g_mono = nullptr;
ImFont* g_readout = nullptr;
// The large readouts need digits, Latin, Greek and the symbols they print (‖ · … ₜ → ∂ ●).
const ImWchar readout_ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
                                  0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
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
    g_readout = nullptr;
    return false;
  }
  g_mono = std::filesystem::exists(mono_font_path)
               ? io.Fonts->AddFontFromFileTTF(mono_font_path, px, &cfg, glyph_ranges)
               : nullptr;
  g_readout = io.Fonts->AddFontFromFileTTF(ui_font_path, std::round(px * readout_font_ratio), &cfg, readout_ranges);
  return true;
}

ImFont* mono_font() { return g_mono ? g_mono : ImGui::GetFont(); }
ImFont* readout_font(const UiState& ui) { return ui.projector && g_readout ? g_readout : ImGui::GetFont(); }

const float* clear_color(bool high_contrast) {
  static constexpr float normal[3] = {0.105f, 0.11f, 0.125f};
  static constexpr float black[3] = {0.0f, 0.0f, 0.0f};
  return high_contrast ? black : normal;
}

void apply_style(float scale, bool high_contrast) {
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
  // Tiles have no background of their own: the frame is cleared to clear_color(), and on a
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
  if (high_contrast) {
    // Projector mode: a projector in a lit room washes out greys, so text is white on black, hints
    // are light grey rather than mid grey, every field has a visible edge, and what can be grabbed
    // or ticked is Okabe–Ito yellow and blue (colour-blind safe).
    const ImVec4 blue(0.0f, 0.447f, 0.698f, 1.0f), sky(0.337f, 0.706f, 0.914f, 1.0f), yellow(0.941f, 0.894f, 0.259f, 1.0f);
    c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.80f, 0.80f, 0.80f, 1.0f);
    c[ImGuiCol_Border] = ImVec4(0.62f, 0.62f, 0.62f, 1.0f);
    c[ImGuiCol_Separator] = ImVec4(0.62f, 0.62f, 0.62f, 1.0f);
    c[ImGuiCol_PopupBg] = ImVec4(0.05f, 0.05f, 0.05f, 1.0f);
    c[ImGuiCol_FrameBg] = ImVec4(0.10f, 0.10f, 0.10f, 1.0f);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.0f, 0.25f, 0.40f, 1.0f);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.0f, 0.32f, 0.50f, 1.0f);
    c[ImGuiCol_Button] = ImVec4(0.0f, 0.30f, 0.48f, 1.0f);
    c[ImGuiCol_ButtonHovered] = blue;
    c[ImGuiCol_ButtonActive] = sky;
    c[ImGuiCol_Header] = ImVec4(0.0f, 0.30f, 0.48f, 1.0f);
    c[ImGuiCol_HeaderHovered] = blue;
    c[ImGuiCol_HeaderActive] = sky;
    c[ImGuiCol_Tab] = ImVec4(0.0f, 0.22f, 0.36f, 1.0f);
    c[ImGuiCol_TabHovered] = blue;
    c[ImGuiCol_TabActive] = blue;
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = blue;  // the value's text is drawn over the grab: white on blue reads
    c[ImGuiCol_SliderGrabActive] = sky;
    c[ImGuiCol_TableBorderStrong] = ImVec4(0.62f, 0.62f, 0.62f, 1.0f);
    c[ImGuiCol_TableBorderLight] = ImVec4(0.40f, 0.40f, 0.40f, 1.0f);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.07f);
    style.FrameBorderSize = 1.0f;
  }
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
  // Plot lines and grids: thicker and brighter at a projector.
  plot::SetStyle(plot::Style{high_contrast ? 1.5f : 1.0f, high_contrast ? 0.22f : 0.10f, high_contrast ? 0.4f : 0.0f});
}

namespace {
// A session message newer than the UI's own notice replaces it (and the other way round).
void SyncNotice(const Snapshot& snap, UiState& ui) {
  if (snap.message_id != ui.seen_message_id) {
    ui.seen_message_id = snap.message_id;
    ui.notice.clear();
  }
}

std::string now_name(const char* prefix, const char* ext) { return timestamped_name(prefix, ext, std::time(nullptr)); }

void TakeScreenshot(UiState& ui) {
  ui.pending_screenshot = join_path(ui.export_dir, now_name("unrolled", "png"));
  ui.screenshot_delay = 1;  // after this frame is drawn (no dialog in the picture)
}

void OpenModelDialog(UiState& ui) {
  const std::string dir = std::filesystem::path(ui.model_path_edit).has_parent_path()
                              ? std::filesystem::path(ui.model_path_edit).parent_path().string()
                              : ui.export_dir;
  OpenFileDialog(ui, FileDialogPurpose::open_model, dir, join_path(dir, std::filesystem::path(ui.model_path_edit).filename().string()));
}
void SaveModelDialog(UiState& ui) {
  OpenFileDialog(ui, FileDialogPurpose::save_model, ui.export_dir, join_path(ui.export_dir, now_name("model", "json")));
}

// Workspace switch in the menu bar, drawn like tabs.
struct WorkspaceInfo {
  Workspace w;
  const char* tab;
  const char* menu;
  const char* tip;
};
constexpr WorkspaceInfo workspaces[workspace_count] = {
    {Workspace::step, " Step ", "Step workspace", "Step through one sequence, forward and backward"},
    {Workspace::train, " Train ", "Train workspace", "Train the sine-wave forecaster and watch it learn"},
    {Workspace::compare, " Compare ", "Compare workspace", "Train RNN, LSTM and GRU side by side on the same data"},
    {Workspace::lab, " Gradient lab ", "Gradient lab", "The vanilla RNN's gradient: vanishing and exploding with the spectral radius"},
};

void WorkspaceTabs(UiState& ui) {
  const float fs = ImGui::GetFontSize();
  ImGui::SameLine(0, fs * 1.5f);
  for (const WorkspaceInfo& info : workspaces) {
    const bool on = ui.workspace == info.w;
    ImGui::PushStyleColor(ImGuiCol_Header, ImVec4(0.20f, 0.36f, 0.58f, 1.0f));
    if (ImGui::Selectable(info.tab, on, 0, ImVec2(ImGui::CalcTextSize(info.tab).x, 0))) ui.workspace = info.w;
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
  const ImVec4 col = running                            ? ImVec4(0.45f, 0.85f, 0.55f, 1)
                     : tv.state == TrainState::diverged ? ImVec4(1.0f, 0.45f, 0.4f, 1)
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
    if (ImGui::MenuItem("Screenshot as…", "Ctrl+E")) ui.export_popup = true;
    if (ImGui::MenuItem("Export folder…")) OpenFileDialog(ui, FileDialogPurpose::export_folder, ui.export_dir, ui.export_dir);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("now: %s", ui.export_dir.c_str());
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) ui.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (const WorkspaceInfo& info : workspaces)
      if (ImGui::MenuItem(info.menu, nullptr, ui.workspace == info.w)) ui.workspace = info.w;
    if (ImGui::MenuItem("Compare cells…")) ui.compare_popup = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Train RNN, LSTM and GRU (2 or 3 of them) side by side");
    ImGui::Separator();
    if (ui.workspace == Workspace::step) {
      ImGui::MenuItem("Controls", nullptr, &ui.show_controls);
      ImGui::MenuItem("Unrolled view", nullptr, &ui.show_unrolled);
      ImGui::MenuItem("Cell inspector", nullptr, &ui.show_inspector);
      ImGui::MenuItem("State heatmaps", nullptr, &ui.show_states);
      ImGui::MenuItem("Gate heatmaps", nullptr, &ui.show_gates);
      ImGui::MenuItem("Unit traces", nullptr, &ui.show_traces);
    } else if (ui.workspace == Workspace::train) {
      ImGui::MenuItem("Training settings", nullptr, &ui.show_train_panel);
      ImGui::MenuItem("Training curves", nullptr, &ui.show_curves);
      ImGui::MenuItem("Forecast", nullptr, &ui.show_forecast);
      ImGui::MenuItem("Gradient decay", nullptr, &ui.show_decay);
    } else if (ui.workspace == Workspace::compare) {
      ImGui::MenuItem("Cells and settings", nullptr, &ui.show_compare_panel);
      ImGui::MenuItem("Loss curves", nullptr, &ui.show_compare_curves);
      ImGui::MenuItem("Forecasts", nullptr, &ui.show_compare_forecast);
      ImGui::MenuItem("Gradient decay", nullptr, &ui.show_compare_decay);
      ImGui::MenuItem("Table", nullptr, &ui.show_compare_table);
    } else if (ui.workspace == Workspace::lab) {
      ImGui::MenuItem("Lab settings", nullptr, &ui.show_lab_panel);
      ImGui::MenuItem("Gradient through time", nullptr, &ui.show_lab_decay);
      ImGui::MenuItem("Clipping comparison", nullptr, &ui.lab_clipping);
    }
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
    if (ImGui::MenuItem("Keys", "F1")) ui.show_keys = true;
    if (ImGui::MenuItem("About")) ui.show_about = true;
    ImGui::EndMenu();
  }
  WorkspaceTabs(ui);
  TrainingStatus(snap);
  h = ImGui::GetWindowSize().y;
  ImGui::EndMainMenuBar();
  return h;
}

void HandleKeys(const Snapshot& snap, UiState& ui, CommandList& out) {
  const ImGuiIO& io = ImGui::GetIO();
  // Typing into a field or answering a dialog is not stepping the network.
  if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  auto pressed = [](int key, bool repeat = false) { return ImGui::IsKeyPressed(key, repeat); };
  const bool lesson_arrows = LessonKeys(ui);  // PageDown / PageUp, and ← / → when the lesson panel has focus
  if (io.KeyCtrl) {
    if (pressed(GLFW_KEY_Q)) ui.quit = true;
    if (pressed(GLFW_KEY_O)) OpenModelDialog(ui);
    if (pressed(GLFW_KEY_S)) SaveModelDialog(ui);
    if (pressed(GLFW_KEY_E)) ui.export_popup = true;
    return;
  }
  if (pressed(GLFW_KEY_F12)) TakeScreenshot(ui);
  if (pressed(GLFW_KEY_F11)) set_projector(ui, !ui.projector);
  if (ui.workspace == Workspace::lab) {  // T / Shift+T / R train, pause, reset the lab's runs; ← / → nudge ρ
    GradientLabKeys(snap, ui, out, !lesson_arrows);
    if (pressed(GLFW_KEY_F1)) ui.show_keys = !ui.show_keys;
    return;
  }
  // In the Compare workspace with no comparison open, T starts one with the ticked cells (and R has
  // nothing to reset); otherwise the session routes T / Shift+T / R to the comparison while one is open.
  const bool compare_idle = ui.workspace == Workspace::compare && !snap.train->compare;
  if (pressed(GLFW_KEY_T)) {
    if (compare_idle && !io.KeyShift) StartComparison(ui, out);
    else out.push_back(io.KeyShift ? Command{cmd::PauseTraining{}} : Command{cmd::Train{}});
  }
  if (pressed(GLFW_KEY_R) && !compare_idle) out.push_back(cmd::ResetTraining{});
  if (pressed(GLFW_KEY_SPACE)) out.push_back(cmd::TogglePlay{});
  if (!lesson_arrows && pressed(GLFW_KEY_RIGHT, true)) out.push_back(cmd::StepForward{});
  if (!lesson_arrows && pressed(GLFW_KEY_LEFT, true)) out.push_back(cmd::StepBack{});
  if (pressed(GLFW_KEY_HOME)) out.push_back(cmd::GoStart{});
  if (pressed(GLFW_KEY_END)) out.push_back(cmd::GoEnd{});
  if (pressed(GLFW_KEY_B))
    out.push_back(cmd::SetPass{snap.pass == Pass::forward ? Pass::backward : Pass::forward});
  if (pressed(GLFW_KEY_F1)) ui.show_keys = !ui.show_keys;
  if (pressed(GLFW_KEY_ESCAPE)) ui.selected_t = -1;  // follow the cursor again
  if (pressed(GLFW_KEY_UP, true)) ui.unit = std::max(0, ui.unit - 1);
  if (pressed(GLFW_KEY_DOWN, true)) ui.unit = std::min(snap.scene->config.hidden_size - 1, ui.unit + 1);
}

void Dialogs(const Snapshot& snap, UiState& ui, CommandList& out) {
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  const float fs = ImGui::GetFontSize();
  if (ui.open_model_popup) {
    OpenModelDialog(ui);
    ui.open_model_popup = false;
  }
  if (ui.export_popup) {
    ui.screenshot_path_edit = join_path(ui.export_dir, now_name("unrolled", "png"));
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
  FileDialog(ui, out);
  CompareDialog(snap, ui, out);
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
                             {"T / Shift+T / R", "train / pause training / reset training to step 0 (the comparison's, while one is open)"},
                             {"Ctrl+O / Ctrl+S", "open a model / save the training model"},
                             {"F12 / Ctrl+E", "screenshot to the export folder / screenshot as…"},
                             {"T / Shift+T / R  (Gradient lab)", "train both runs / pause / reset them to step 0"},
                             {"→  /  ←  (Gradient lab)", "spectral radius ρ + / − 0.05"},
                             {"F11", "projector mode: high contrast, large readouts, scale ≥ 200%"},
                             {"PgDn / PgUp", "next / previous lesson step (a presenter's clicker)"},
                             {"→  /  ←  (lesson panel)", "next / previous lesson step, when the lesson panel has focus"},
                             {"Ctrl+Q", "quit"}};
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
}  // namespace

void DrawPanels(const Snapshot& snap, UiState& ui, CommandList& out, const Layout& l) {
  // When the stepping views follow the training model, their main tile says so (### keeps its id).
  char unrolled_title[160] = "Unrolled network###unrolled";
  if (snap.train->following)
    std::snprintf(unrolled_title, sizeof unrolled_title,
                  "Unrolled network — training model, step %lld, validation window %d###unrolled",
                  static_cast<long long>(snap.train->step), snap.train->window + 1);
  struct Tile {
    const char* name;
    const Rect& rect;
    void (*draw)(const Snapshot&, UiState&, CommandList&);
    ImGuiWindowFlags flags;
    Panel lesson;  // its name in lessons (an accent when a step talks about it)
  };
  const Tile tiles[] = {
      {"Controls", l.controls, ControlsPanel, 0, Panel::controls},
      {unrolled_title, l.unrolled, UnrolledViewPanel, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse, Panel::unrolled},
      {"Cell inspector", l.inspector, CellInspectorPanel, 0, Panel::inspector},
      {"States h and c", l.states, StateHeatmapPanel, ImGuiWindowFlags_NoScrollbar, Panel::states},
      {"Gates", l.gates, GateHeatmapPanel, ImGuiWindowFlags_NoScrollbar, Panel::gates},
      {"Unit traces", l.traces, UnitTracesPanel, ImGuiWindowFlags_NoScrollbar, Panel::traces},
  };
  for (const Tile& t : tiles) {
    if (!t.rect.visible()) continue;
    if (BeginTile(t.name, t.rect, t.flags, LessonAccent(ui, t.lesson, t.rect))) t.draw(snap, ui, out);
    ImGui::End();
  }
  if (l.tabs.visible()) {
    // No title bar: the tab bar names what is shown (a short tile at a large scale keeps its rows).
    if (BeginTile("Details", l.tabs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoTitleBar) && ImGui::BeginTabBar("##details")) {
      // Compact: the inspector and the controls are tabs too (inspector first: it is the lesson).
      const int order_compact[] = {2, 3, 4, 5, 0};
      const int order_right[] = {3, 4, 5};
      const bool shown[] = {ui.show_controls, ui.show_unrolled, ui.show_inspector, ui.show_states, ui.show_gates, ui.show_traces};
      const int* order = l.compact ? order_compact : order_right;
      const int count = l.compact ? 5 : 3;
      for (int n = 0; n < count; ++n) {
        const int i = order[n];
        if (!shown[i]) continue;
        if (BeginLessonTabItem(ui, tiles[i].name, tiles[i].lesson, l.tabs)) {
          ImGui::BeginChild("##tab", ImVec2(0, 0), false, tiles[i].flags);
          tiles[i].draw(snap, ui, out);
          ImGui::EndChild();
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
      if (LessonAccentedAt(ui, l.tabs)) DrawLessonAccentFrame();
    }
    ImGui::End();
  }
  if (l.transport.visible()) {
    if (BeginTile("##transport", l.transport, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar))
      TransportBar(snap, ui, out);
    ImGui::End();
  }
}

namespace {
// A tile of the Train or Compare workspace: its panel, its rectangle, and whether View shows it.
struct Tile {
  const char* name;
  const Rect& rect;
  void (*draw)(const Snapshot&, UiState&, CommandList&);
  ImGuiWindowFlags flags;
  const bool& shown;
  Panel lesson = Panel::lesson;  // its name in lessons (Panel::lesson: none); accented when a step talks about it
};

// Each tile with a rectangle in its own window; in compact layouts, the shown tiles in `order` as
// tabs of one window at `tabs`.
template <std::size_t N>
void DrawTiles(const Snapshot& snap, UiState& ui, CommandList& out, const Tile (&tiles)[N], const Rect& tabs,
               const char* tabs_window, std::initializer_list<int> order) {
  for (const Tile& t : tiles) {
    if (!t.rect.visible()) continue;
    if (BeginTile(t.name, t.rect, t.flags, LessonAccent(ui, t.lesson, t.rect))) t.draw(snap, ui, out);
    ImGui::End();
  }
  if (!tabs.visible()) return;
  if (BeginTile(tabs_window, tabs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoTitleBar) &&
      ImGui::BeginTabBar("##tabs")) {
    for (int i : order) {
      const Tile& t = tiles[i];
      if (!t.shown || !BeginLessonTabItem(ui, t.name, t.lesson, tabs)) continue;
      ImGui::BeginChild("##tab", ImVec2(0, 0), false, t.flags);
      t.draw(snap, ui, out);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    if (LessonAccentedAt(ui, tabs)) DrawLessonAccentFrame();
  }
  ImGui::End();
}

// The bottom line: the last message (errors in red), the key hints at the right when they fit.
void StatusLine(const Snapshot& snap, const UiState& ui, const char* window, const Rect& r, const char* hint) {
  if (!r.visible()) return;
  if (BeginTile(window, r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    const std::string& full = !ui.notice.empty() ? ui.notice : snap.message;
    const bool err = !ui.notice.empty() ? ui.notice_is_error : snap.message_is_error;
    // A message longer than the line (a large scale) ends in "…"; hovering it shows all of it.
    std::string msg = full;
    const float avail = ImGui::GetContentRegionAvail().x;
    const bool cut = ImGui::CalcTextSize(full.c_str()).x > avail;
    if (cut) {
      const float ellipsis = ImGui::CalcTextSize("…").x;
      std::size_t n = msg.size();
      while (n > 0 && ImGui::CalcTextSize(msg.c_str(), msg.c_str() + n).x + ellipsis > avail) {
        --n;
        while (n > 0 && (static_cast<unsigned char>(msg[n]) & 0xC0) == 0x80) --n;  // whole UTF-8 characters
      }
      msg = msg.substr(0, n) + "…";
    }
    const float right = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint).x;
    const float used = msg.empty() ? 0.0f : ImGui::CalcTextSize(msg.c_str()).x + ImGui::GetStyle().WindowPadding.x;
    ImGui::AlignTextToFramePadding();
    if (!msg.empty()) {
      ImGui::TextColored(err ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.85f, 0.6f, 1), "%s", msg.c_str());
      if (cut && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", full.c_str());
    }
    if (right > used + ImGui::GetFontSize()) {
      if (!msg.empty()) ImGui::SameLine(right);
      else ImGui::SetCursorPosX(right);
      ImGui::TextDisabled("%s", hint);
    }
  }
  ImGui::End();
}
}  // namespace

void DrawTrainPanels(const Snapshot& snap, UiState& ui, CommandList& out, const TrainLayout& l) {
  const Tile tiles[] = {
      {"Training", l.panel, TrainingPanel, 0, ui.show_train_panel, Panel::training},
      {"Training curves", l.curves, TrainingCurvesPanel, ImGuiWindowFlags_NoScrollbar, ui.show_curves, Panel::curves},
      // A memory task has no series to forecast: the tile shows its answers at t = T instead.
      {snap.train->task ? "Answers at t = T###forecast" : "Forecast###forecast", l.forecast, ForecastPanel,
       ImGuiWindowFlags_NoScrollbar, ui.show_forecast, Panel::forecast},
      {"Gradient decay across time", l.decay, GradientDecayPanel, ImGuiWindowFlags_NoScrollbar, ui.show_decay, Panel::decay},
  };
  // Tabs: the curves first: at a projector the run is what people watch; the settings are one click away.
  DrawTiles(snap, ui, out, tiles, l.tabs, "Train##tabs", {1, 2, 3, 0});
  StatusLine(snap, ui, "##train_status", l.status, "T train · Shift+T pause · R reset · Ctrl+S save model · F12 screenshot · F1 keys");
}

void DrawComparePanels(const Snapshot& snap, UiState& ui, CommandList& out, const CompareLayout& l) {
  const Tile tiles[] = {
      {"Compare cells", l.panel, ComparePanel, 0, ui.show_compare_panel},
      {"Loss curves", l.curves, CompareCurvesPanel, ImGuiWindowFlags_NoScrollbar, ui.show_compare_curves},
      {"Forecasts", l.forecast, CompareForecastPanel, ImGuiWindowFlags_NoScrollbar, ui.show_compare_forecast},
      {"Gradient decay across time##compare", l.decay, CompareDecayPanel, ImGuiWindowFlags_NoScrollbar, ui.show_compare_decay},
      {"Side by side", l.table, CompareTablePanel, ImGuiWindowFlags_NoScrollbar, ui.show_compare_table},
  };
  // Compact: the table keeps its own tile at the bottom; the curves lead the tabs.
  DrawTiles(snap, ui, out, tiles, l.tabs, "Compare##tabs", {1, 2, 3, 0});
  StatusLine(snap, ui, "##compare_status", l.status, "T train all · Shift+T pause · R reset · F12 screenshot · F1 keys");
}

void DrawLabPanels(const Snapshot& snap, UiState& ui, CommandList& out, const LabLayout& l) {
  const Tile tiles[] = {
      {"Gradient lab", l.panel, GradientLabPanel, 0, ui.show_lab_panel},
      {"Gradient through time", l.decay, GradientLabDecayPanel, ImGuiWindowFlags_NoScrollbar, ui.show_lab_decay},
      {"Clipping: the same run with and without", l.clipping, GradientLabClippingPanel, ImGuiWindowFlags_NoScrollbar,
       ui.lab_clipping},
  };
  // Tabs: the gradient first, the clipping runs, then the settings.
  DrawTiles(snap, ui, out, tiles, l.tabs, "Lab##tabs", {1, 2, 0});
  StatusLine(snap, ui, "##lab_status", l.status, "← / → ρ · T train both · Shift+T pause · R reset · F12 screenshot · F1 keys");
}

void DrawWorkspace(const Snapshot& snap, UiState& ui, CommandList& out, Rect area) {
  const float fs = ImGui::GetFontSize();
  // A lesson open: its column at the right, in every workspace, above the workspace's bottom bar,
  // which keeps the full width. `beside(h)` is the area a workspace whose bar is h tall lays out in so
  // its tiles fill the rest; its bar is then put back at full width (`lesson->bottom`).
  std::optional<LessonSplit> lesson;
  if (!ui.lesson_id.empty()) {
    lesson = split_lesson_column(area, fs, ui.workspace == Workspace::step ? transport_height(area.w, fs) : status_line_height(fs));
    ui.lesson.panel_rect = lesson->lesson;
    // It does not take the focus when it appears: the arrow keys keep stepping the network until it is clicked.
    if (BeginTile("Lesson###lesson", lesson->lesson, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoFocusOnAppearing))
      LessonPanel(snap, ui, out);
    ImGui::End();
  }
  auto beside = [&](float bar_h) { return lesson ? Rect{area.x, area.y, lesson->tiles.w, lesson->tiles.h + bar_h} : area; };
  switch (ui.workspace) {
    case Workspace::train: {
      const TrainVisibility shown{ui.show_train_panel, ui.show_curves, ui.show_forecast, ui.show_decay};
      TrainLayout l = compute_train_layout(beside(status_line_height(fs)), shown, fs);
      if (lesson) l.status = lesson->bottom;
      DrawTrainPanels(snap, ui, out, l);
      return;
    }
    case Workspace::compare: {
      const CompareVisibility shown{ui.show_compare_panel, ui.show_compare_curves, ui.show_compare_forecast,
                                    ui.show_compare_decay, ui.show_compare_table};
      const std::size_t runs = snap.train->compare ? snap.train->compare->runs.size() : 0;
      CompareLayout l = compute_compare_layout(beside(status_line_height(fs)), shown, fs, runs > 0 ? static_cast<int>(runs) : 3);
      if (lesson) l.status = lesson->bottom;
      DrawComparePanels(snap, ui, out, l);
      return;
    }
    case Workspace::lab: {
      const LabVisibility shown{ui.show_lab_panel, ui.show_lab_decay, ui.lab_clipping};
      LabLayout l = compute_lab_layout(beside(status_line_height(fs)), shown, fs);
      if (lesson) l.status = lesson->bottom;
      DrawLabPanels(snap, ui, out, l);
      return;
    }
    case Workspace::step: {
      const PanelVisibility shown{ui.show_controls, ui.show_unrolled, ui.show_inspector,
                                  ui.show_states,   ui.show_gates,    ui.show_traces, unrolled_rows(*snap.scene)};
      Layout l = compute_layout(beside(lesson ? transport_height(lesson->tiles.w, fs) : 0), shown, fs);
      if (lesson) l.transport = lesson->bottom;
      DrawPanels(snap, ui, out, l);
      return;
    }
  }
}

}  // namespace unrolled::app
