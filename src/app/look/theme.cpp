#include "app/look/theme.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/glyph_ranges.hpp"
#include "app/plot/plot.hpp"

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

}  // namespace unrolled::app
